package org.cerebro.strategy;

import org.cerebro.space.SearchSpace;

/**
 * Decides which config a new trial tries (the strategy decides how long trials train and which
 * stop: the Optuna / Ray Tune split). {@link #random()} draws each trial's config from the
 * generator of (search seed, trial); {@link #tpe()} fits a model of good and bad configs to the
 * scores seen so far. Random and Hyperband-style strategies take one:
 * {@code Strategy.random(60, 5).sampler(Sampler.tpe())},
 * {@code Strategy.asha(1, 27, 3).maxTrials(100).sampler(Sampler.tpe())}.
 *
 * <p>Implement it to bring your own: the contract is {@link SamplerState}'s. Immutable.
 */
public interface Sampler {
    /** The sampler's state for one search over {@code space} seeded with {@code seed}. */
    SamplerState begin(SearchSpace space, long seed);

    /** A short description, for EXPLAIN and the experiment fingerprint, e.g. {@code tpe(startup=10)}. */
    String describe();

    /** Each trial's config drawn independently from the generator of (search seed, trial id). */
    static Sampler random() {
        return RandomSampler.INSTANCE;
    }

    /** The Tree-structured Parzen Estimator with Optuna's defaults (see {@link Tpe}). */
    static Tpe tpe() {
        return Tpe.DEFAULTS;
    }
}
