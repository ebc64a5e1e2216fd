package org.cerebro.exec.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;

/**
 * Mutual challenge-response authentication on a shared secret, before any other message, and the
 * session keys every later frame is tagged with:
 * <ol>
 * <li>worker: {@code CHALLENGE(Nw)};</li>
 * <li>coordinator: {@code AUTH(Nc, HMAC(secret, "cerebro-coordinator" | Nw | Nc))};</li>
 * <li>worker checks the proof in constant time and, only if it holds, answers
 * {@code AUTH_OK(HMAC(secret, "cerebro-worker" | Nc | Nw), info)}; the coordinator checks it the
 * same way. A wrong proof gets one {@code ERROR} frame and the connection closed.</li>
 * <li>both derive {@code K = HMAC(secret, "cerebro-session-v2" | Nw | Nc)} and one key per
 * direction, {@code HMAC(K, "coordinator-to-worker")} and {@code HMAC(K, "worker-to-coordinator")};
 * from then on every frame carries a tag ({@link FrameChannel}).</li>
 * </ol>
 * Nonces are 32 bytes from {@link SecureRandom}; the secret never crosses the wire, the distinct
 * labels stop a proof from being reflected back, and fresh nonces give every connection fresh keys.
 */
final class Handshake {
    static final int NONCE_BYTES = 32;
    static final int PROOF_BYTES = 32;
    private static final byte[] COORDINATOR = label("cerebro-coordinator");
    private static final byte[] WORKER = label("cerebro-worker");
    private static final byte[] SESSION = label("cerebro-session-v2");
    private static final byte[] TO_WORKER = label("coordinator-to-worker");
    private static final byte[] TO_COORDINATOR = label("worker-to-coordinator");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    private static byte[] label(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
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

    private static byte[] hmac(byte[] key, byte[] label, byte[] first, byte[] second) {
        Mac mac = FrameChannel.mac(key);
        mac.update(label);
        mac.update(first);
        mac.update(second);
        return mac.doFinal();
    }

    /** Tags the channel's frames with the session's keys, {@code toPeer} for ours. */
    private static void keys(FrameChannel channel, byte[] secret, byte[] workerNonce, byte[] coordinatorNonce,
                             boolean coordinator) {
        byte[] session = hmac(secret, SESSION, workerNonce, coordinatorNonce);
        byte[] toWorker = hmac(session, TO_WORKER, new byte[0], new byte[0]);
        byte[] toCoordinator = hmac(session, TO_COORDINATOR, new byte[0], new byte[0]);
        channel.authenticate(coordinator ? toWorker : toCoordinator, coordinator ? toCoordinator : toWorker);
    }

    /** The worker asked the coordinator to come back later. */
    static final class RetryLaterException extends ProtocolException {
        private static final long serialVersionUID = 1L;
        final long millis;

        RetryLaterException(String message, long millis) {
            super(message);
            this.millis = millis;
        }
    }

    /** Thrown on a wrong proof, so the worker can throttle the peer's address. */
    static final class WrongSecretException extends ProtocolException {
        private static final long serialVersionUID = 1L;

        WrongSecretException(String message) {
            super(message);
        }
    }

    /**
     * Worker side: runs the handshake; returns normally only for a peer that knows the secret,
     * with the channel keyed for the session.
     *
     * @throws WrongSecretException after telling the peer, once, that authentication failed
     */
    static void acceptCoordinator(FrameChannel channel, byte[] secret, String workerInfo, long timeoutMillis)
        throws IOException {
        byte[] workerNonce = nonce();
        channel.write(new Message.Challenge(workerNonce), 0);
        Frame frame = channel.read(FrameChannel.MAX_HANDSHAKE_PAYLOAD, timeoutMillis);
        if (frame.type() != MessageType.AUTH) {
            throw new ProtocolException("peer " + channel.peer() + " sent " + frame.type() + " before authenticating");
        }
        Message.Auth auth = (Message.Auth) Message.decode(frame, Handshake.class.getClassLoader());
        if (!matches(coordinatorProof(secret, workerNonce, auth.nonce()), auth.proof())) {
            channel.tryWriteError(0, "authentication failed: wrong secret");
            throw new WrongSecretException("peer " + channel.peer() + " failed authentication (wrong secret)");
        }
        channel.write(new Message.AuthOk(workerProof(secret, auth.nonce(), workerNonce), workerInfo), 0);
        keys(channel, secret, workerNonce, auth.nonce(), false);
    }

    /**
     * Coordinator side: runs the handshake; returns the worker's info once the worker proved the
     * secret, with the channel keyed for the session.
     */
    static String authenticateToWorker(FrameChannel channel, byte[] secret, long timeoutMillis) throws IOException {
        Frame frame = channel.read(FrameChannel.MAX_HANDSHAKE_PAYLOAD, timeoutMillis);
        if (frame.type() == MessageType.ERROR) {
            throw new ProtocolException("worker " + channel.peer() + " refused us: "
                + ((Message.Error) Message.decode(frame, Handshake.class.getClassLoader())).message());
        }
        if (frame.type() == MessageType.RETRY_LATER) {
            Message.RetryLater later = (Message.RetryLater) Message.decode(frame, Handshake.class.getClassLoader());
            throw new RetryLaterException("worker " + channel.peer() + " asks us to retry in " + later.millis() + " ms: "
                + later.reason(), later.millis());
        }
        if (frame.type() != MessageType.CHALLENGE) {
            throw new ProtocolException("worker " + channel.peer() + " sent " + frame.type() + ", expected CHALLENGE");
        }
        byte[] workerNonce = ((Message.Challenge) Message.decode(frame, Handshake.class.getClassLoader())).nonce();
        byte[] coordinatorNonce = nonce();
        channel.write(new Message.Auth(coordinatorNonce, coordinatorProof(secret, workerNonce, coordinatorNonce)), 0);
        Frame answer = channel.read(FrameChannel.MAX_HANDSHAKE_PAYLOAD, timeoutMillis);
        if (answer.type() == MessageType.RETRY_LATER) {
            Message.RetryLater later = (Message.RetryLater) Message.decode(answer, Handshake.class.getClassLoader());
            throw new RetryLaterException("worker " + channel.peer() + " asks us to retry in " + later.millis() + " ms: "
                + later.reason(), later.millis());
        }
        if (answer.type() == MessageType.ERROR) {
            throw new ProtocolException("worker " + channel.peer() + " refused us: "
                + ((Message.Error) Message.decode(answer, Handshake.class.getClassLoader())).message());
        }
        if (answer.type() != MessageType.AUTH_OK) {
            throw new ProtocolException("worker " + channel.peer() + " sent " + answer.type() + ", expected AUTH_OK");
        }
        Message.AuthOk ok = (Message.AuthOk) Message.decode(answer, Handshake.class.getClassLoader());
        if (!matches(workerProof(secret, coordinatorNonce, workerNonce), ok.proof())) {
            throw new ProtocolException("worker " + channel.peer() + " does not know the secret (bad AUTH_OK proof)");
        }
        keys(channel, secret, workerNonce, coordinatorNonce, true);
        return ok.info();
    }
}
