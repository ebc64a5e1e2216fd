package org.cerebro.exec.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual challenge-response authentication on a shared secret, before any other message:
 * <ol>
 * <li>worker: {@code CHALLENGE(workerNonce)};</li>
 * <li>coordinator: {@code AUTH(coordinatorNonce, HMAC(secret, "cerebro-coordinator" | workerNonce |
 * coordinatorNonce))};</li>
 * <li>worker checks the proof in constant time and, only if it holds, answers
 * {@code AUTH_OK(HMAC(secret, "cerebro-worker" | coordinatorNonce | workerNonce), info)}; the
 * coordinator checks it the same way.</li>
 * </ol>
 * Nonces are 32 bytes from {@link SecureRandom}; the secret never crosses the wire, and the
 * distinct labels stop a proof from being reflected back.
 */
final class Handshake {
    static final int NONCE_BYTES = 32;
    static final int PROOF_BYTES = 32;
    private static final byte[] COORDINATOR = "cerebro-coordinator".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WORKER = "cerebro-worker".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    static byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    static byte[] coordinatorProof(byte[] secret, byte[] workerNonce, byte[] coordinatorNonce) {
        return hmac(secret, COORDINATOR, workerNonce, coordinatorNonce);
    }

    static byte[] workerProof(byte[] secret, byte[] coordinatorNonce, byte[] workerNonce) {
        return hmac(secret, WORKER, coordinatorNonce, workerNonce);
    }

    /** Constant-time comparison: the time taken does not tell how many bytes matched. */
    static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] hmac(byte[] secret, byte[] label, byte[] first, byte[] second) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label);
            mac.update(first);
            mac.update(second);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** Worker side: runs the handshake; returns normally only for a peer that knows the secret. */
    static void acceptCoordinator(FrameChannel channel, byte[] secret, String workerInfo, long timeoutMillis)
        throws IOException {
        byte[] workerNonce = nonce();
        channel.write(MessageType.CHALLENGE, 0, new Payload.Writer().putRaw(workerNonce).toBytes());
        Frame auth = channel.read(FrameChannel.MAX_HANDSHAKE_PAYLOAD, timeoutMillis);
        if (auth.type() != MessageType.AUTH) {
            throw new ProtocolException("peer " + channel.peer() + " sent " + auth.type() + " before authenticating");
        }
        Payload.Reader reader = auth.reader();
        byte[] coordinatorNonce = reader.getRaw(NONCE_BYTES, "nonce");
        byte[] proof = reader.getRaw(PROOF_BYTES, "proof");
        reader.end();
        if (!matches(coordinatorProof(secret, workerNonce, coordinatorNonce), proof)) {
            channel.tryWriteError(0, "authentication failed: wrong secret");
            throw new ProtocolException("peer " + channel.peer() + " failed authentication (wrong secret)");
        }
        channel.write(MessageType.AUTH_OK, 0, new Payload.Writer()
            .putRaw(workerProof(secret, coordinatorNonce, workerNonce)).putString(workerInfo).toBytes());
    }

    /** Coordinator side: runs the handshake; returns the worker's info once the worker proved the secret. */
    static String authenticateToWorker(FrameChannel channel, byte[] secret, long timeoutMillis) throws IOException {
        Frame challenge = channel.read(FrameChannel.MAX_HANDSHAKE_PAYLOAD, timeoutMillis);
        if (challenge.type() != MessageType.CHALLENGE) {
            throw new ProtocolException("worker " + channel.peer() + " sent " + challenge.type() + ", expected CHALLENGE");
        }
        Payload.Reader reader = challenge.reader();
        byte[] workerNonce = reader.getRaw(NONCE_BYTES, "nonce");
        reader.end();
        byte[] coordinatorNonce = nonce();
        channel.write(MessageType.AUTH, 0, new Payload.Writer().putRaw(coordinatorNonce)
            .putRaw(coordinatorProof(secret, workerNonce, coordinatorNonce)).toBytes());
        Frame answer = channel.read(FrameChannel.MAX_HANDSHAKE_PAYLOAD, timeoutMillis);
        if (answer.type() == MessageType.ERROR) {
            throw new ProtocolException("worker " + channel.peer() + " refused us: " + answer.reader().getString("message"));
        }
        if (answer.type() != MessageType.AUTH_OK) {
            throw new ProtocolException("worker " + channel.peer() + " sent " + answer.type() + ", expected AUTH_OK");
        }
        Payload.Reader ok = answer.reader();
        byte[] proof = ok.getRaw(PROOF_BYTES, "proof");
        String info = ok.getString("info");
        ok.end();
        if (!matches(workerProof(secret, coordinatorNonce, workerNonce), proof)) {
            throw new ProtocolException("worker " + channel.peer() + " does not know the secret (bad AUTH_OK proof)");
        }
        return info;
    }
}
