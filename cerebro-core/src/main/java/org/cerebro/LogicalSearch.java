package org.cerebro;

import java.util.Objects;
import org.cerebro.data.Dataset;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;

/**
 * What a search is, independent of where it runs: the space, what trains, on which data, how the
 * space is searched, what is optimised, and the seed. The same logical search gives the same
 * per-trial results on every executor. Immutable.
 *
 * @param space      the search space
 * @param trainable  what to train for each config
 * @param train      the training data (partitioned across workers)
 * @param validation the validation data every epoch is scored on
 * @param data       the data's shape
 * @param strategy   how to search
 * @param objective  what to optimise
 * @param seed       the seed every random choice derives from
 * @param test       held-out data the best trials are evaluated on once, after the search, or null
 * @param testTopK   how many of the best trials are evaluated on {@code test}
 */
public record LogicalSearch(SearchSpace space, Trainable trainable, Dataset train, Dataset validation, DataSpec data,
                            Strategy strategy, Objective objective, long seed, Dataset test, int testTopK) {
    /** Rejects nulls. */
    public LogicalSearch {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(trainable, "trainable");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(objective, "objective");
    }

    /** One line: strategy, objective, seed, trainable. */
    public String summary() {
        return strategy.describe() + " " + objective + " seed=" + seed + " trainable=" + trainable.name();
    }

    @Override
    public String toString() {
        return "LogicalSearch[" + summary() + "]";
    }
}
