package org.cerebro.exec.cluster;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Frames over one TCP connection. A frame is a 20-byte little-endian header (magic
 * {@code 0x43524246} "CRBF", version, type, correlation id, payload length), the payload, and,
 * once the handshake has given the connection its session keys, a 32-byte HMAC-SHA256 tag over
 * the frame's sequence number in its direction, header and payload: a frame that is altered,
 * replayed, reordered, dropped or injected fails its tag and ends the connection.
 *
 * <p>Limits: every read has a deadline for the whole frame, so a peer that trickles bytes (slow
 * loris) is dropped as surely as one that sends nothing; the length is checked against a limit
 * before anything is read, and the payload's memory grows only as its bytes arrive (reserved in a
 * {@link MemoryBudget} when there is one); every write has a deadline too, after which the
 * connection is closed, so a peer that stops reading (a stopped process) cannot block the writer.
 *
 * <p>Threading: one thread reads; {@link #write} may be called from several threads (it is
 * synchronized, so frames never interleave).
 */
final class FrameChannel implements AutoCloseable {
    static final int MAGIC = 0x43524246;
    static final short VERSION = 2;
    static final int HEADER_BYTES = 20;
    static final int TAG_BYTES = 32;
    /** The largest payload before authentication: handshake frames are tiny. */
    static final int MAX_HANDSHAKE_PAYLOAD = 256;
    /** Payload bytes a write may take per second on top of its base deadline, for large frames. */
    static final long MIN_WRITE_BYTES_PER_SECOND = 4L << 20;
    private static final int FIRST_CHUNK = 64 << 10;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "cerebro-write-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private final Socket socket;
    private final String peer;
    private final InputStream in;
    private final OutputStream out;
    private final MemoryBudget budget;
    private final long writeTimeoutMillis;
    private Mac sendTag;
    private Mac receiveTag;
    private long sendSequence;
    private long receiveSequence;
    private volatile boolean writeTimedOut;

    /**
     * @param budget             where payload bytes are reserved as they arrive, or null for none
     * @param writeTimeoutMillis the base deadline of a write; large frames get
     *                           {@link #MIN_WRITE_BYTES_PER_SECOND} more
     */
    FrameChannel(Socket socket, MemoryBudget budget, long writeTimeoutMillis) throws IOException {
        this.socket = socket;
        this.peer = socket.getRemoteSocketAddress().toString().replaceFirst("^/", "");
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.budget = budget;
        this.writeTimeoutMillis = writeTimeoutMillis;
    }

    /** The peer's address, for messages. */
    String peer() {
        return peer;
    }

    /** The peer's IP address, for per-address limits. */
    String peerHost() {
        return socket.getInetAddress() == null ? peer : socket.getInetAddress().getHostAddress();
    }

    /** From now on every frame carries a tag: {@code sendKey} for this side's frames, {@code receiveKey} for the peer's. */
    synchronized void authenticate(byte[] sendKey, byte[] receiveKey) {
        sendTag = mac(sendKey);
        receiveTag = mac(receiveKey);
    }

    /** A fresh HMAC-SHA256 keyed with {@code key}. */
    static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /**
     * Reads one frame within {@code timeoutMillis}. With a {@link MemoryBudget}, the caller must
     * {@link MemoryBudget#release release} the payload's length once the frame is handled.
     *
     * @param maxPayload the largest payload accepted now
     * @throws SocketTimeoutException when the whole frame did not arrive in time
     * @throws EOFException           when the peer closed the connection
     * @throws ProtocolException      when the header is not one of ours, or the tag is wrong
     */
    Frame read(int maxPayload, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        byte[] header = new byte[HEADER_BYTES];
        readFully(header, 0, HEADER_BYTES, deadline, timeoutMillis);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int magic = h.getInt();
        short version = h.getShort();
        short code = h.getShort();
        long correlation = h.getLong();
        int length = h.getInt();
        if (magic != MAGIC) {
            throw new ProtocolException("peer " + peer + " sent magic 0x" + Integer.toHexString(magic) + ", expected 0x"
                + Integer.toHexString(MAGIC) + ": not a Cerebro peer");
        }
        if (version != VERSION) {
            throw new VersionMismatchException("peer " + peer + " speaks protocol version " + version + ", this side speaks "
                + VERSION, version);
        }
        MessageType type = MessageType.of(code);
        if (type == null) {
            throw new ProtocolException("peer " + peer + " sent unknown message type " + code);
        }
        if (length < 0 || length > maxPayload) {
            throw new ProtocolException("peer " + peer + " sent a " + type + " frame of length " + length + ", expected 0.."
                + maxPayload);
        }
        byte[] payload = readPayload(length, deadline, timeoutMillis);
        try {
            if (receiveTag != null) {
                byte[] tag = new byte[TAG_BYTES];
                readFully(tag, 0, TAG_BYTES, deadline, timeoutMillis);
                if (!MessageDigest.isEqual(tag(receiveTag, receiveSequence, header, payload, length), tag)) {
                    throw new ProtocolException("peer " + peer + " sent a " + type + " frame (sequence " + receiveSequence
                        + ") whose tag does not match: altered, replayed, reordered or not from the authenticated peer");
                }
                receiveSequence++;
            }
        } catch (IOException | RuntimeException e) {
            release(length);
            throw e;
        }
        return new Frame(type, correlation, payload);
    }

    /** Reads a payload, its buffer growing (and reserved) only as bytes arrive. */
    private byte[] readPayload(int length, long deadline, long timeoutMillis) throws IOException {
        byte[] buffer = new byte[Math.min(length, FIRST_CHUNK)];
        int reserved = 0;
        int read = 0;
        try {
            while (read < length) {
                if (read == buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(length, 2L * buffer.length));
                }
                if (budget != null && buffer.length > reserved) {
                    budget.reserve(buffer.length - reserved, peer);
                    reserved = buffer.length;
                }
                read += readSome(buffer, read, buffer.length - read, deadline, timeoutMillis, read, length);
            }
            return buffer;
        } catch (IOException | RuntimeException e) {
            release(reserved);
            throw e;
        }
    }

    private void release(int bytes) {
        if (budget != null && bytes > 0) {
            budget.release(bytes);
        }
    }

    private void readFully(byte[] into, int from, int count, long deadline, long timeoutMillis) throws IOException {
        int read = 0;
        while (read < count) {
            read += readSome(into, from + read, count - read, deadline, timeoutMillis, read, count);
        }
    }

    private int readSome(byte[] into, int at, int count, long deadline, long timeoutMillis, int done, int of)
        throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
            throw new SocketTimeoutException("peer " + peer + " sent " + done + " of " + of + " bytes in " + timeoutMillis
                + " ms");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        int n;
        try {
            n = in.read(into, at, count);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("peer " + peer + " sent " + done + " of " + of + " bytes in " + timeoutMillis
                + " ms");
        }
        if (n < 0) {
            throw new EOFException("peer " + peer + " closed the connection" + (done > 0 ? " after " + done + " of " + of
                + " bytes" : ""));
        }
        return n;
    }

    /**
     * Writes one frame and flushes it, within the write deadline ({@code writeTimeoutMillis} plus
     * time for the payload at {@link #MIN_WRITE_BYTES_PER_SECOND}); past it the connection is
     * closed and this throws.
     *
     * @throws SocketTimeoutException when the deadline passed (the peer stopped reading)
     */
    synchronized void write(Message message, long correlation) throws IOException {
        byte[] payload = message.encode();
        byte[] header = new byte[HEADER_BYTES];
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(MAGIC).putShort(VERSION)
            .putShort(message.type().code).putLong(correlation).putInt(payload.length);
        long deadlineMillis = writeTimeoutMillis + payload.length * 1000L / MIN_WRITE_BYTES_PER_SECOND;
        ScheduledFuture<?> guard = WATCHDOG.schedule(this::abortWrite, deadlineMillis, TimeUnit.MILLISECONDS);
        try {
            out.write(header);
            out.write(payload);
            if (sendTag != null) {
                out.write(tag(sendTag, sendSequence, header, payload, payload.length));
                sendSequence++;
            }
            out.flush();
        } catch (IOException e) {
            if (writeTimedOut) {
                throw new SocketTimeoutException("peer " + peer + " did not take a " + message.type() + " frame of "
                    + payload.length + " bytes within " + deadlineMillis + " ms: it stopped reading");
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
    }

    private void abortWrite() {
        writeTimedOut = true;
        close();
    }

    private static byte[] tag(Mac mac, long sequence, byte[] header, byte[] payload, int length) {
        mac.update(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(sequence).array());
        mac.update(header);
        mac.update(payload, 0, length);
        return mac.doFinal();
    }

    /** Writes an {@link Message.Error}, ignoring failures: the connection is ending. */
    void tryWriteError(long correlation, String message) {
        try {
            write(new Message.Error(message), correlation);
        } catch (IOException ignored) {
            // the peer is gone or broken: the error had nowhere to go
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken socket: nothing to do
        }
    }

    /** The peer speaks another protocol version. */
    static final class VersionMismatchException extends ProtocolException {
        private static final long serialVersionUID = 1L;
        final int version;

        VersionMismatchException(String message, int version) {
            super(message);
            this.version = version;
        }
    }
}
