package org.cerebro;

import org.cerebro.space.Config;
import org.cerebro.train.Metrics;

/**
 * Receives a search's progress, on the driver thread, in order. Every method has a default that
 * does nothing. A listener must return quickly: the search waits for it.
 */
public interface SearchListener {
    /** The search starts: {@code plannedEpochs} is the strategy's planned demand (an estimate for ASHA). */
    default void searchStarted(String summary, long plannedEpochs) {
    }

    /**
     * The search resumes from its experiment directory: the events of the {@code epochsRecovered}
     * epochs an earlier run recorded follow (replayed, trial starts and epoch ends in their
     * original order), then the events of new work. {@code unitsRecovered} units need not run again.
     */
    default void searchResumed(int epochsRecovered, long unitsRecovered) {
    }

    /** A trial started with {@code config}. */
    default void trialStarted(int trialId, Config config) {
    }

    /**
     * A unit (one trial, one partition, one pass) ended; with an experiment directory it is
     * durable by now. An epoch has {@code partitions} units.
     */
    default void unitDone(org.cerebro.exec.UnitRecord unit, int partitions) {
    }

    /** A trial ended an epoch. */
    default void epochEnded(int trialId, int epoch, Metrics metrics, double score) {
    }

    /** The strategy stopped a trial after {@code epochs} epochs: it will not train again. */
    default void trialStopped(int trialId, int epochs) {
    }

    /** A new best score (higher is better), reached by {@code trialId} at {@code epoch}. */
    default void bestSoFar(int trialId, int epoch, double score) {
    }

    /** A trial failed during {@code epoch}. */
    default void trialFailed(int trialId, int epoch, String reason) {
    }

    /**
     * Something the user should know that did not stop the search, also in
     * {@link SearchResult#warnings()} and logged: a worker lost or back, damage found in the
     * experiment directory (a checkpoint that failed its checks, a catalog entry dropped), a report
     * that could not be written, a listener that threw.
     */
    default void warning(String message) {
    }

    /** The search is over. */
    default void searchFinished(SearchResult result) {
    }
}
