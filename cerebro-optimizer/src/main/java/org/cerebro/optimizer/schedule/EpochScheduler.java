package org.cerebro.optimizer.schedule;

import java.util.List;

/**
 * A {@link UnitScheduler} that an executor drives epoch by epoch, as a search decides: trials are
 * {@link #grant granted} epochs, run unit by unit, and {@link #retire retired} when stopped. A
 * trial resumed from a checkpoint is {@link #admit admitted} with the epochs and the partitions of
 * its current epoch it has done.
 *
 * <p>Not thread-safe: one scheduling thread.
 */
public interface EpochScheduler extends UnitScheduler {
    /**
     * Registers {@code trial} as having completed {@code epochsDone} epochs and, of the next one,
     * the partitions in {@code visitedThisEpoch} (a trial resumed from a checkpoint).
     *
     * @throws IllegalStateException when the trial is already known
     */
    void admit(int trial, int epochsDone, List<Integer> visitedThisEpoch);

    /** Lets {@code trial} train until it has completed {@code untilEpochs} epochs; admits it if it is new. */
    void grant(int trial, int untilEpochs);

    /**
     * Schedules epoch {@code epoch} (1-based) of {@code trial}, which has done the epochs before it
     * and, of this one, the partitions in {@code visitedThisEpoch}; admits the trial if it is new.
     *
     * @throws IllegalStateException when the trial has done another number of epochs
     */
    default void runEpoch(int trial, int epoch, List<Integer> visitedThisEpoch) {
        if (!knows(trial)) {
            admit(trial, epoch - 1, visitedThisEpoch);
        } else if (epochsDone(trial) != epoch - 1) {
            throw new IllegalStateException("trial=" + trial + " epoch=" + epoch + " submitted but the trial has done "
                + epochsDone(trial) + " epochs");
        }
        grant(trial, epoch);
    }

    /**
     * Records a finished unit.
     *
     * @return whether it completed its trial's epoch
     */
    boolean completeUnit(Unit unit);

    /** Forgets a trial that will never run again; its granted epochs are dropped. */
    void retire(int trial);

    /** Whether {@code trial} has been admitted. */
    boolean knows(int trial);

    /** Epochs {@code trial} has completed. */
    int epochsDone(int trial);

    /** Units of its current epoch {@code trial} has completed. */
    int visitedThisEpoch(int trial);
}
