package org.cerebro.strategy;

import org.cerebro.space.SearchSpace;

/**
 * {@code trials} configs from a {@link Sampler} (by default {@link Sampler#random()}: trial
 * {@code i} from the generator of (search seed, i)), each trained for a fixed number of epochs.
 *
 * @param trials  number of configs
 * @param epochs  epochs per trial
 * @param sampler what decides each trial's config
 */
public record RandomSearch(int trials, int epochs, Sampler sampler) implements Strategy {
    /** Validates them. */
    public RandomSearch {
        if (trials < 1) {
            throw new IllegalArgumentException("trials=" + trials + " expected>=1");
        }
        Strategy.checkEpochs("epochs", epochs);
        if (sampler == null) {
            throw new IllegalArgumentException("sampler is null");
        }
    }

    /** Random configs. */
    public RandomSearch(int trials, int epochs) {
        this(trials, epochs, Sampler.random());
    }

    /** The same search with configs from {@code sampler}, e.g. {@code Sampler.tpe()}. */
    public RandomSearch sampler(Sampler sampler) {
        return new RandomSearch(trials, epochs, sampler);
    }

    @Override
    public StrategyState begin(SearchSpace space, long seed) {
        return new IndependentTrials(trials, epochs, sampler.begin(space, seed));
    }

    @Override
    public int minEpochs() {
        return epochs;
    }

    @Override
    public int maxEpochs() {
        return epochs;
    }

    @Override
    public java.util.List<Integer> plannedEpochs(SearchSpace space, int workers, int cap) {
        return java.util.Collections.nCopies(Math.min(cap, trials), epochs);
    }

    @Override
    public String describe() {
        return (sampler == Sampler.random() ? "random" : sampler.describe()) + "(trials=" + trials + ", epochs="
            + epochs + ")";
    }
}
