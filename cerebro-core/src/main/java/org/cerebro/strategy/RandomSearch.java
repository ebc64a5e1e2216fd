package org.cerebro.strategy;

import org.cerebro.space.SearchSpace;

/**
 * {@code trials} configs sampled from the space, trial {@code i} from the generator of
 * (search seed, i), each trained for a fixed number of epochs.
 *
 * @param trials number of configs
 * @param epochs epochs per trial
 */
public record RandomSearch(int trials, int epochs) implements Strategy {
    /** Validates both. */
    public RandomSearch {
        if (trials < 1) {
            throw new IllegalArgumentException("trials=" + trials + " expected>=1");
        }
        Strategy.checkEpochs("epochs", epochs);
    }

    @Override
    public StrategyState begin(SearchSpace space, long seed) {
        return new IndependentTrials(trials, epochs, i -> space.sample(seed, i));
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
        return "random(trials=" + trials + ", epochs=" + epochs + ")";
    }
}
