package org.cerebro.exec;

/**
 * One unit an executor ran: trial {@code trialId} over {@code partition} in {@code epoch} on
 * {@code worker}, from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()}), so
 * the schedule can be drawn and checked.
 *
 * @param trialId    the trial
 * @param epoch      the epoch, 1-based
 * @param partition  the partition
 * @param worker     the worker
 * @param startNanos when it started
 * @param endNanos   when it ended
 */
public record UnitRecord(int trialId, int epoch, int partition, int worker, long startNanos, long endNanos) {
}
