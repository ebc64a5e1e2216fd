package org.cerebro.exec;

import java.util.List;
import org.cerebro.train.Metrics;

/**
 * The outcome of an {@link EpochTask}: the validation metrics, or why the trial failed.
 *
 * @param trialId    the trial
 * @param epoch      the epoch that ran
 * @param metrics    the validation metrics, or null when it failed
 * @param trainLoss  the mean training loss over the epoch's passes (NaN when it failed)
 * @param failure    why it failed (a NaN loss, an exception in user code), or null
 * @param visitOrder the partitions in the order the trial visited them
 */
public record EpochOutcome(int trialId, int epoch, Metrics metrics, double trainLoss, String failure,
                           List<Integer> visitOrder) {
    /** Whether the epoch failed. */
    public boolean failed() {
        return failure != null;
    }
}
