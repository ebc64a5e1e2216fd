package org.cerebro.strategy;

import org.cerebro.space.Config;

/**
 * A sampler during one search. The strategy asks {@link #next} for the config of each new trial
 * and reports every epoch's score; a sampler decides only from what it was told (no clock, no
 * I/O), so the same seed and the same reports in the same order give the same configs.
 *
 * <p>Not thread-safe: the strategy's (the driver's) thread.
 */
public interface SamplerState {
    /** The config trial {@code trialId} tries (each id is asked for once). */
    Config next(int trialId);

    /** Trial {@code trialId} scored {@code score} (higher is better) after {@code epoch} epochs. */
    void observe(int trialId, int epoch, double score);

    /** Trial {@code trialId} failed: it has no score to learn from. */
    default void failed(int trialId) {
    }
}
