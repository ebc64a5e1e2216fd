package org.cerebro;

import org.cerebro.driver.SearchDriver;

/**
 * A validated search, ready to inspect or run: the {@link LogicalSearch} (what) and its
 * {@link RunSettings} (how and where). {@link #run()} or {@link #start()} it once.
 *
 * <p>Thread-safe: running claims it once.
 */
public final class Search {
    private final LogicalSearch logical;
    private final RunSettings settings;
    private boolean ran;

    Search(LogicalSearch logical, RunSettings settings) {
        this.logical = logical;
        this.settings = settings;
    }

    /** What is searched. */
    public LogicalSearch logical() {
        return logical;
    }

    /** How and where it runs. */
    public RunSettings settings() {
        return settings;
    }

    /** One line: strategy, objective, seed, trainable. */
    public String summary() {
        return logical.summary();
    }

    /** A multi-line description of the search. */
    public String describe() {
        return "search:     " + summary() + System.lineSeparator()
            + "space:      " + logical.space().params() + System.lineSeparator()
            + "data:       train=" + logical.train().size() + " validation=" + logical.validation().size()
            + " records, featureWidth=" + logical.data().featureWidth() + " classes=" + logical.data().numClasses()
            + System.lineSeparator()
            + "executor:   " + settings.executor().name() + " workers=" + settings.executor().workers() + " partitions="
            + settings.partitions() + System.lineSeparator();
    }

    /**
     * Runs the search to the end in the calling thread and returns its result. The executor is
     * closed afterwards.
     *
     * @throws IllegalStateException when this search already ran
     */
    public SearchResult run() {
        claim();
        return new SearchDriver(logical, settings).run();
    }

    /**
     * Starts the search on a thread of its own and returns at once; {@link RunningSearch#cancel()}
     * stops it at the next unit boundary and {@link RunningSearch#await()} gives the result.
     *
     * @throws IllegalStateException when this search already ran
     */
    public RunningSearch start() {
        claim();
        return new RunningSearch(new SearchDriver(logical, settings));
    }

    private synchronized void claim() {
        if (ran) {
            throw new IllegalStateException("this search already ran: build a new one");
        }
        ran = true;
    }

    @Override
    public String toString() {
        return "Search[" + summary() + "]";
    }
}
