package org.cerebro.exec;

import java.util.Objects;
import org.cerebro.space.Config;

/**
 * A unit a transport runs on one worker: train trial {@code trialId} one pass over
 * {@code partition} during {@code epoch}, starting from {@code state}, and evaluate on the
 * validation data afterwards when the pass ends the trial's epoch.
 *
 * @param trialId   the trial
 * @param epoch     the epoch, 1-based
 * @param partition the partition, resident on the worker; {@link UnitRecord#ALL_PARTITIONS} for a data-parallel epoch
 * @param config    the trial's hyperparameters
 * @param trialSeed the trial's seed, for its initial state
 * @param state     where the trial's state is: none (initialise), live, or bytes (restore)
 * @param evaluate  whether the pass ends the epoch, so the worker evaluates after it
 */
public record UnitWork(int trialId, int epoch, int partition, Config config, long trialSeed, TrialState state,
                       boolean evaluate) {
    /** Validates. */
    public UnitWork {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(state, "state");
        if (epoch < 1 || partition < UnitRecord.ALL_PARTITIONS) {
            throw new IllegalArgumentException("trial=" + trialId + " epoch=" + epoch + " partition=" + partition
                + " expected epoch >= 1 and partition >= 0 (or ALL_PARTITIONS for a data-parallel epoch)");
        }
    }
}
