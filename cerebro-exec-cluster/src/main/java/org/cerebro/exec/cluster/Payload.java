package org.cerebro.exec.cluster;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Frame payloads, little-endian, through Agrona buffers: ints, longs, doubles, bytes, and
 * length-prefixed byte arrays and UTF-8 strings. The reader checks every field against the
 * payload's end and every length against what is left, so a truncated or lying frame fails with
 * a {@link ProtocolException} instead of reading past it or allocating what it claims.
 */
final class Payload {
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private Payload() {
    }

    /** Builds a payload. Not thread-safe. */
    static final class Writer {
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128);
        private int position;

        Writer putByte(int value) {
            buffer.putByte(position, (byte) value);
            position += 1;
            return this;
        }

        Writer putInt(int value) {
            buffer.putInt(position, value, ORDER);
            position += Integer.BYTES;
            return this;
        }

        Writer putLong(long value) {
            buffer.putLong(position, value, ORDER);
            position += Long.BYTES;
            return this;
        }

        Writer putDouble(double value) {
            buffer.putDouble(position, value, ORDER);
            position += Double.BYTES;
            return this;
        }

        /** Raw bytes, no length (fixed-size fields such as nonces and hashes). */
        Writer putRaw(byte[] bytes) {
            buffer.putBytes(position, bytes);
            position += bytes.length;
            return this;
        }

        Writer putBytes(byte[] bytes) {
            putInt(bytes.length);
            return putRaw(bytes);
        }

        Writer putString(String value) {
            return putBytes(value.getBytes(StandardCharsets.UTF_8));
        }

        byte[] toBytes() {
            byte[] bytes = new byte[position];
            buffer.getBytes(0, bytes);
            return bytes;
        }
    }

    /** Reads a payload, checking bounds. Not thread-safe. */
    static final class Reader {
        private final MessageType type;
        private final UnsafeBuffer buffer;
        private final int length;
        private int position;

        Reader(MessageType type, byte[] payload) {
            this.type = type;
            this.buffer = new UnsafeBuffer(payload);
            this.length = payload.length;
        }

        private void need(int bytes, String field) throws ProtocolException {
            if (bytes < 0 || bytes > length - position) {
                throw new ProtocolException(type + " field " + field + " needs " + bytes + " bytes at offset " + position
                    + " but the payload has " + (length - position) + " left of " + length);
            }
        }

        int getByte(String field) throws ProtocolException {
            need(1, field);
            return buffer.getByte(position++);
        }

        int getInt(String field) throws ProtocolException {
            need(Integer.BYTES, field);
            int value = buffer.getInt(position, ORDER);
            position += Integer.BYTES;
            return value;
        }

        long getLong(String field) throws ProtocolException {
            need(Long.BYTES, field);
            long value = buffer.getLong(position, ORDER);
            position += Long.BYTES;
            return value;
        }

        double getDouble(String field) throws ProtocolException {
            need(Double.BYTES, field);
            double value = buffer.getDouble(position, ORDER);
            position += Double.BYTES;
            return value;
        }

        byte[] getRaw(int bytes, String field) throws ProtocolException {
            need(bytes, field);
            byte[] value = new byte[bytes];
            buffer.getBytes(position, value);
            position += bytes;
            return value;
        }

        byte[] getBytes(String field) throws ProtocolException {
            int bytes = getInt(field + ".length");
            return getRaw(bytes, field);
        }

        String getString(String field) throws ProtocolException {
            return new String(getBytes(field), StandardCharsets.UTF_8);
        }

        /** Fails unless every byte was read: trailing garbage is a protocol error too. */
        void end() throws ProtocolException {
            if (position != length) {
                throw new ProtocolException(type + " has " + (length - position) + " unexpected trailing bytes");
            }
        }
    }
}
