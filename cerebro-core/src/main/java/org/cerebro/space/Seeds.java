package org.cerebro.space;

import java.nio.charset.StandardCharsets;

/**
 * Derives independent seeds from (seed, id) pairs, so that every trial, parameter and epoch has a
 * generator of its own and two runs with the same seed draw the same values on any JVM.
 */
public final class Seeds {
    private Seeds() {
    }

    /** A well-mixed seed for {@code id} under {@code seed} (SplitMix64's finaliser over both). */
    public static long mix(long seed, long id) {
        long z = seed + 0x9E3779B97F4A7C15L * (id + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A stable 64-bit hash of a name (FNV-1a over its UTF-8 bytes). */
    public static long hash(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
