package org.cerebro.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A dataset shuffled with a seed and cut into {@code p} disjoint partitions whose sizes differ by
 * at most one: partition {@code i} holds the records at positions
 * {@code [start(i), start(i) + size(i))} of the seeded permutation, the first {@code n mod p}
 * partitions one record larger. Each partition is its own off-heap table, so a worker can hold
 * it resident and a cluster can ship it once.
 *
 * <p>Thread-safe for reading. Closing closes every partition.
 */
public final class Partitions implements AutoCloseable {
    private final List<Dataset> parts;
    private final int[] permutation;
    private final int[] starts;
    private final long seed;

    private Partitions(List<Dataset> parts, int[] permutation, int[] starts, long seed) {
        this.parts = Collections.unmodifiableList(parts);
        this.permutation = permutation;
        this.starts = starts;
        this.seed = seed;
    }

    static Partitions of(Dataset source, int p, long seed, Storage storage) {
        if (p < 1) {
            throw new IllegalArgumentException("partitions=" + p + " expected>=1");
        }
        int n = source.size();
        if (p > n) {
            throw new DataException("source=" + source.name() + " partitions=" + p + " records=" + n
                + ": more partitions than records, expected partitions<=" + n);
        }
        int[] permutation = Shuffle.permutation(n, seed);
        int[] starts = new int[p + 1];
        int base = n / p;
        int larger = n % p;
        for (int i = 0; i < p; i++) {
            starts[i + 1] = starts[i] + base + (i < larger ? 1 : 0);
        }
        List<Dataset> parts = new ArrayList<>(p);
        try {
            for (int i = 0; i < p; i++) {
                String name = source.name() + "/partition-" + i + "-of-" + p;
                parts.add(source.select(name, permutation, starts[i], starts[i + 1], storage));
            }
        } catch (RuntimeException e) {
            parts.forEach(Dataset::close);
            throw e;
        }
        return new Partitions(parts, permutation, starts, seed);
    }

    /** Number of partitions. */
    public int count() {
        return parts.size();
    }

    /** Partition {@code i}. */
    public Dataset get(int i) {
        return parts.get(i);
    }

    /** All partitions, in order. */
    public List<Dataset> all() {
        return parts;
    }

    /** The seed of the shuffle. */
    public long seed() {
        return seed;
    }

    /** Total number of records over all partitions. */
    public int totalSize() {
        return permutation.length;
    }

    /** The row in the source dataset of record {@code row} of partition {@code partition}. */
    public int sourceRow(int partition, int row) {
        int start = starts[partition];
        if (row < 0 || start + row >= starts[partition + 1]) {
            throw new IndexOutOfBoundsException("partition=" + partition + " row=" + row + " size="
                + (starts[partition + 1] - start));
        }
        return permutation[start + row];
    }

    @Override
    public void close() {
        parts.forEach(Dataset::close);
    }
}
