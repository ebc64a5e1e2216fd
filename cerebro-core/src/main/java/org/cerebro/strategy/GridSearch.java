package org.cerebro.strategy;

import org.cerebro.space.SearchSpace;

/**
 * Every point of the space's grid, in index order, each trained for a fixed number of epochs.
 * The grid is enumerated lazily; its size is known up front ({@link SearchSpace#gridSize()}).
 *
 * @param epochs epochs per trial
 */
public record GridSearch(int epochs) implements Strategy {
    /** Validates the epochs. */
    public GridSearch {
        Strategy.checkEpochs("epochs", epochs);
    }

    /**
     * @throws IllegalArgumentException when a continuous parameter has no grid points
     */
    @Override
    public StrategyState begin(SearchSpace space, long seed) {
        if (!space.ungriddable().isEmpty()) {
            throw new IllegalArgumentException("grid search over continuous hyperparameter(s) " + space.ungriddable()
                + " needs a number of points: use e.g. HParam.uniform(...).gridPoints(5)");
        }
        return new IndependentTrials(space.gridSize(), epochs, space::gridPoint);
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
        return java.util.Collections.nCopies((int) Math.min(cap, space.gridSize()), epochs);
    }

    @Override
    public String describe() {
        return "grid(epochs=" + epochs + ")";
    }
}
