package org.cerebro.exec;

/**
 * One unit an executor ran: trial {@code trialId} over {@code partition} in {@code epoch} on
 * {@code worker}, from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()}), so
 * the schedule can be drawn and checked.
 *
 * @param trialId    the trial
 * @param epoch      the epoch, 1-based
 * @param partition  the partition, or {@link #ALL_PARTITIONS} for a data-parallel epoch (one record
 *                   per worker it ran on, with the same times)
 * @param worker     the worker
 * @param startNanos when it started
 * @param endNanos   when it ended
 */
public record UnitRecord(int trialId, int epoch, int partition, int worker, long startNanos, long endNanos) {
    /** The partition of a data-parallel epoch's records: it trained every partition, on several workers at once. */
    public static final int ALL_PARTITIONS = -1;

    /** Whether this is a worker's share of a data-parallel epoch. */
    public boolean dataParallel() {
        return partition == ALL_PARTITIONS;
    }
}
