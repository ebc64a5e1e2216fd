package org.cerebro.exec;

import org.cerebro.space.Config;

/**
 * Train trial {@code trialId} for epoch {@code epoch}: one pass over every partition, in the
 * trial's visit order for that epoch, then an evaluation on the validation data.
 *
 * @param trialId   the trial
 * @param config    its hyperparameters
 * @param trialSeed its seed, for its initial state
 * @param epoch     the epoch to run, 1-based; the trial has completed {@code epoch - 1} epochs
 */
public record EpochTask(int trialId, Config config, long trialSeed, int epoch) {
}
