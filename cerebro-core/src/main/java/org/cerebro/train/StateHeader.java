package org.cerebro.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The first 8 bytes of every trainable's state: a big-endian int32 magic naming the format and an
 * int32 version. Reading checks both, so bytes of another trainable or another version fail with
 * what was expected instead of being misread.
 */
public final class StateHeader {
    private StateHeader() {
    }

    /** Writes {@code magic} and {@code version}. */
    public static void write(DataOutputStream out, int magic, int version) throws IOException {
        out.writeInt(magic);
        out.writeInt(version);
    }

    /**
     * Reads and checks the header.
     *
     * @param what the trainable's name, for the message
     * @throws IllegalArgumentException naming the offset and the expected and actual values
     */
    public static void check(DataInputStream in, int magic, int version, String what) throws IOException {
        int actualMagic = in.readInt();
        if (actualMagic != magic) {
            throw new IllegalArgumentException("not a " + what + " state: offset=0 expected magic="
                + String.format("0x%08X", magic) + " got=" + String.format("0x%08X", actualMagic));
        }
        int actualVersion = in.readInt();
        if (actualVersion != version) {
            throw new IllegalArgumentException(what + " state offset=4 expected version=" + version + " got=" + actualVersion);
        }
    }
}
