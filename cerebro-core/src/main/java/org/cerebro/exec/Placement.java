package org.cerebro.exec;

import java.util.Arrays;

/**
 * Which workers hold which partitions. Partition {@code i} always lives on worker {@code i mod p};
 * with replication factor {@code r} it also lives on the next {@code r - 1} workers (mod p), so
 * when a worker dies every partition it held is still somewhere. Task parallelism places every
 * partition on every worker ({@link #everywhere}). The runtime kernel decides the placement; a
 * transport puts the data there. Immutable.
 */
public final class Placement {
    private final int workers;
    private final int[][] workersOf;
    private final int[][] partitionsOf;

    private Placement(int workers, int partitions, int replicas) {
        this.workers = workers;
        this.workersOf = new int[partitions][replicas];
        int[] counts = new int[workers];
        for (int i = 0; i < partitions; i++) {
            for (int r = 0; r < replicas; r++) {
                int w = (i + r) % workers;
                workersOf[i][r] = w;
                counts[w]++;
            }
        }
        this.partitionsOf = new int[workers][];
        int[] filled = new int[workers];
        for (int w = 0; w < workers; w++) {
            partitionsOf[w] = new int[counts[w]];
        }
        for (int i = 0; i < partitions; i++) {
            for (int w : workersOf[i]) {
                partitionsOf[w][filled[w]++] = i;
            }
        }
    }

    /** One partition per worker, no replicas. */
    public static Placement onePerWorker(int workers) {
        return replicated(workers, workers, 1);
    }

    /**
     * {@code partitions} partitions on {@code workers} workers, each on {@code replicas} workers.
     *
     * @throws IllegalArgumentException when replicas exceed workers or a count is below 1
     */
    public static Placement replicated(int workers, int partitions, int replicas) {
        if (workers < 1 || partitions < 1 || replicas < 1 || replicas > workers) {
            throw new IllegalArgumentException("workers=" + workers + " partitions=" + partitions + " replicas=" + replicas
                + " expected all >= 1 and replicas <= workers");
        }
        return new Placement(workers, partitions, replicas);
    }

    /** Every partition on every worker (task parallelism: a worker trains whole trials). */
    public static Placement everywhere(int workers, int partitions) {
        return replicated(workers, partitions, workers);
    }

    /** Number of workers. */
    public int workers() {
        return workers;
    }

    /** Copies of each partition. */
    public int replicas() {
        return workersOf[0].length;
    }

    /** Number of partitions. */
    public int partitions() {
        return workersOf.length;
    }

    /** The workers holding partition {@code i}. */
    public int[] workersOf(int partition) {
        return workersOf[partition].clone();
    }

    /** The partitions held by worker {@code w}. */
    public int[] partitionsOf(int worker) {
        return partitionsOf[worker].clone();
    }

    /** Whether worker {@code worker} holds partition {@code partition}. */
    public boolean holds(int worker, int partition) {
        for (int w : workersOf[partition]) {
            if (w == worker) {
                return true;
            }
        }
        return false;
    }

    /** The partitions held by worker {@code w}, not copied: the caller must not modify the array. */
    public int[] partitionsOfUnsafe(int worker) {
        return partitionsOf[worker];
    }

    @Override
    public String toString() {
        return "Placement[workers=" + workers + " partitions=" + partitions() + " replicas=" + workersOf[0].length
            + " " + Arrays.deepToString(workersOf) + "]";
    }
}
