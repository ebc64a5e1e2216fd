package org.cerebro.strategy;

import org.cerebro.space.Config;
import org.cerebro.space.SearchSpace;

/** {@link Sampler#random()}: trial {@code i}'s config from the generator of (search seed, i). */
final class RandomSampler implements Sampler {
    static final RandomSampler INSTANCE = new RandomSampler();

    private RandomSampler() {
    }

    @Override
    public SamplerState begin(SearchSpace space, long seed) {
        return new SamplerState() {
            @Override
            public Config next(int trialId) {
                return space.sample(seed, trialId);
            }

            @Override
            public void observe(int trialId, int epoch, double score) {
            }
        };
    }

    @Override
    public String describe() {
        return "random";
    }

    @Override
    public String toString() {
        return describe();
    }
}
