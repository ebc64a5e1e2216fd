package org.cerebro;

import java.util.List;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Executor;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;

/**
 * A validated, not yet run search: what to search and how to score it, plus where it will run.
 * Inspect it ({@link #describe()}), then {@link #run()} it once.
 */
public final class LogicalSearch {
    private final SearchSpace space;
    private final Trainable trainable;
    private final Dataset train;
    private final Dataset validation;
    private final DataSpec data;
    private final Strategy strategy;
    private final Objective objective;
    private final long seed;
    private final Executor executor;
    private final int partitions;
    private final List<SearchListener> listeners;
    private final java.nio.file.Path profileCache;
    private final java.nio.file.Path experimentDir;
    private final org.cerebro.plan.Operator operator;
    private boolean ran;

    LogicalSearch(SearchSpace space, Trainable trainable, Dataset train, Dataset validation, DataSpec data,
                  Strategy strategy, Objective objective, long seed, Executor executor, int partitions,
                  List<SearchListener> listeners, java.nio.file.Path profileCache, java.nio.file.Path experimentDir,
                  org.cerebro.plan.Operator operator) {
        this.space = space;
        this.trainable = trainable;
        this.train = train;
        this.validation = validation;
        this.data = data;
        this.strategy = strategy;
        this.objective = objective;
        this.seed = seed;
        this.executor = executor;
        this.partitions = partitions;
        this.listeners = List.copyOf(listeners);
        this.profileCache = profileCache;
        this.experimentDir = experimentDir;
        this.operator = operator;
    }

    /** The operator the search was told to run ({@link SearchBuilder#operator}), or null: the planner's choice. */
    public org.cerebro.plan.Operator operator() {
        return operator;
    }

    /** The experiment directory the search records itself in and resumes from, or null. */
    public java.nio.file.Path experimentDir() {
        return experimentDir;
    }

    /** The profile cache file, or null. */
    public java.nio.file.Path profileCache() {
        return profileCache;
    }

    /** The search space. */
    public SearchSpace space() {
        return space;
    }

    /** The trainable. */
    public Trainable trainable() {
        return trainable;
    }

    /** The training data. */
    public Dataset train() {
        return train;
    }

    /** The validation data. */
    public Dataset validation() {
        return validation;
    }

    /** The data's shape. */
    public DataSpec data() {
        return data;
    }

    /** The strategy. */
    public Strategy strategy() {
        return strategy;
    }

    /** The objective. */
    public Objective objective() {
        return objective;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The executor it will run on. */
    public Executor executor() {
        return executor;
    }

    /** Number of training partitions. */
    public int partitions() {
        return partitions;
    }

    List<SearchListener> listeners() {
        return listeners;
    }

    /** One line: strategy, objective, seed, trainable. */
    public String summary() {
        return strategy.describe() + " " + objective + " seed=" + seed + " trainable=" + trainable.name();
    }

    /** A multi-line description of the search. */
    public String describe() {
        return "search:     " + summary() + System.lineSeparator()
            + "space:      " + space.params() + System.lineSeparator()
            + "data:       train=" + train.size() + " validation=" + validation.size() + " records, featureWidth="
            + data.featureWidth() + " classes=" + data.numClasses() + System.lineSeparator()
            + "executor:   " + executor.name() + " workers=" + executor.workers() + " partitions=" + partitions
            + System.lineSeparator();
    }

    /**
     * Runs the search to the end in the calling thread and returns its result. The executor is
     * closed afterwards.
     *
     * @throws IllegalStateException when this search already ran
     */
    public synchronized SearchResult run() {
        claim();
        return new SearchDriver(this).run();
    }

    /**
     * Starts the search on a thread of its own and returns at once; {@link RunningSearch#cancel()}
     * stops it at the next unit boundary and {@link RunningSearch#await()} gives the result.
     *
     * @throws IllegalStateException when this search already ran
     */
    public synchronized RunningSearch start() {
        claim();
        return new RunningSearch(new SearchDriver(this));
    }

    private void claim() {
        if (ran) {
            throw new IllegalStateException("this search already ran: build a new one");
        }
        ran = true;
    }

    @Override
    public String toString() {
        return "LogicalSearch[" + summary() + "]";
    }
}
