package org.cerebro.exec;

import java.util.Arrays;

/**
 * How a data-parallel epoch cuts the data into optimizer steps. Rank {@code r} of {@code k}
 * trains on its own records (the partitions it holds, in index order, one after another:
 * {@code n_r} records); an epoch is one pass over all {@code N = sum n_r}. Each step takes
 * {@code min(b, remaining)} records, the trial's batch size {@code b}, shared among the ranks in
 * proportion to the records each has left (largest remainders, ties to the lower rank), each rank
 * taking the next ones of its own. So every step but the last has exactly {@code b} records, as a
 * single worker's step has, whatever {@code k}, {@code b mod k} or the partition sizes, and the
 * ranks run out together.
 *
 * <p>Equivalence: the epoch is the single-worker pass with batch {@code b} over the sequence that
 * lists, step by step, rank 0's share, then rank 1's, and so on; the gradient sum differs from
 * that pass's only in the order of its float additions (each rank sums its share, then the shares
 * are summed in rank order), and with {@code k = 1} not at all. Relative to model hopper
 * parallelism, which trains partition after partition (the visit order) with batches inside
 * each, a data-parallel step mixes records of every partition: both are one pass of mini-batch
 * SGD over the same records in another order, so their results are statistically, not bitwise,
 * alike.
 *
 * <p>A cursor: every rank runs its own, allocation-free, to the same steps. Not thread-safe.
 */
public final class DataParallelSteps {
    private final int batch;
    private final int[] remaining;
    private final int[] offset;
    private final int[] count;
    private final double[] fraction;
    private int total;
    private int records;

    /**
     * @param localSizes each rank's records
     * @param batch      the batch size, records per step
     */
    public DataParallelSteps(int[] localSizes, int batch) {
        if (batch < 1 || localSizes.length < 1) {
            throw new IllegalArgumentException("batch=" + batch + " ranks=" + localSizes.length + " expected >= 1 each");
        }
        this.batch = batch;
        this.remaining = localSizes.clone();
        this.offset = new int[localSizes.length];
        this.count = new int[localSizes.length];
        this.fraction = new double[localSizes.length];
        for (int size : localSizes) {
            if (size < 0) {
                throw new IllegalArgumentException("local sizes " + Arrays.toString(localSizes) + " expected >= 0");
            }
            total += size;
        }
    }

    /** Moves to the next step; false when the epoch is over. */
    public boolean next() {
        int ranks = remaining.length;
        for (int r = 0; r < ranks; r++) {
            offset[r] += count[r];
            remaining[r] -= count[r];
            count[r] = 0;
        }
        if (total == 0) {
            records = 0;
            return false;
        }
        int take = Math.min(batch, total);
        int given = 0;
        for (int r = 0; r < ranks; r++) {
            double share = (double) take * remaining[r] / total;
            count[r] = (int) Math.floor(share);
            fraction[r] = share - count[r];
            given += count[r];
        }
        while (given < take) { // largest remainders first, ties to the lower rank
            int best = -1;
            for (int r = 0; r < ranks; r++) {
                if (count[r] < remaining[r] && (best < 0 || fraction[r] > fraction[best])) {
                    best = r;
                }
            }
            count[best]++;
            fraction[best] = -1;
            given++;
        }
        total -= take;
        records = take;
        return true;
    }

    /** Where rank {@code rank}'s share of this step starts in its own records. */
    public int offset(int rank) {
        return offset[rank];
    }

    /** How many of this step's records are rank {@code rank}'s. */
    public int count(int rank) {
        return count[rank];
    }

    /** This step's records over all ranks: the batch size, or fewer at the end. */
    public int records() {
        return records;
    }

    /** The number of steps an epoch of {@code total} records takes with batch {@code batch}. */
    public static long steps(long total, int batch) {
        return (total + batch - 1) / batch;
    }
}
