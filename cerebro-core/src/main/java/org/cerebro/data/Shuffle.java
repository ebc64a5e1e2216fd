package org.cerebro.data;

import java.util.SplittableRandom;

/**
 * Seeded permutations. The same (seed, n) always gives the same permutation, on every JVM:
 * a Fisher–Yates shuffle driven by {@link SplittableRandom}, whose output is specified.
 */
public final class Shuffle {
    private Shuffle() {
    }

    /** A permutation of {@code 0..n-1} determined by {@code seed}. */
    public static int[] permutation(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n=" + n + " expected>=0");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
