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

/**
 * Frames over one TCP connection. A frame is a 20-byte little-endian header (magic
 * {@code 0x43524246} "CRBF", version, type, correlation id, payload length) and the payload.
 * Every read has a deadline for the whole frame, so a peer that trickles bytes (slow loris) is
 * dropped as surely as one that sends nothing; the length is checked against a limit before
 * anything is allocated; unknown magic, version or type fail at once.
 *
 * <p>Threading: one thread reads; {@link #write} may be called from several threads (it is
 * synchronized, so frames never interleave).
 */
final class FrameChannel implements AutoCloseable {
    static final int MAGIC = 0x43524246;
    static final short VERSION = 1;
    static final int HEADER_BYTES = 20;
    /** The largest payload before authentication: handshake frames are tiny. */
    static final int MAX_HANDSHAKE_PAYLOAD = 256;

    private final Socket socket;
    private final String peer;
    private final InputStream in;
    private final OutputStream out;

    FrameChannel(Socket socket) throws IOException {
        this.socket = socket;
        this.peer = socket.getRemoteSocketAddress().toString().replaceFirst("^/", "");
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /** The peer's address, for messages. */
    String peer() {
        return peer;
    }

    /**
     * Reads one frame within {@code timeoutMillis}.
     *
     * @param maxPayload the largest payload accepted now
     * @throws SocketTimeoutException when the whole frame did not arrive in time
     * @throws EOFException           when the peer closed the connection
     * @throws ProtocolException      when the header is not one of ours
     */
    Frame read(int maxPayload, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        byte[] header = new byte[HEADER_BYTES];
        readFully(header, deadline, timeoutMillis);
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
        byte[] payload = new byte[length];
        readFully(payload, deadline, timeoutMillis);
        return new Frame(type, correlation, payload);
    }

    private void readFully(byte[] into, long deadline, long timeoutMillis) throws IOException {
        int read = 0;
        while (read < into.length) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new SocketTimeoutException("peer " + peer + " sent " + read + " of " + into.length
                    + " bytes in " + timeoutMillis + " ms");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n = in.read(into, read, into.length - read);
            if (n < 0) {
                throw new EOFException("peer " + peer + " closed the connection"
                    + (read > 0 ? " after " + read + " of " + into.length + " bytes" : ""));
            }
            read += n;
        }
    }

    /** Writes one frame and flushes it. */
    synchronized void write(MessageType type, long correlation, byte[] payload) throws IOException {
        byte[] header = new byte[HEADER_BYTES];
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(MAGIC).putShort(VERSION).putShort(type.code)
            .putLong(correlation).putInt(payload.length);
        out.write(header);
        out.write(payload);
        out.flush();
    }

    /** Writes an {@link MessageType#ERROR} frame, ignoring failures: the connection is ending. */
    void tryWriteError(long correlation, String message) {
        try {
            write(MessageType.ERROR, correlation, new Payload.Writer().putString(message).toBytes());
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
