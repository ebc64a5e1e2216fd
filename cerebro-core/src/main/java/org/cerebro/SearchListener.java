package org.cerebro;

import org.cerebro.space.Config;
import org.cerebro.train.Metrics;

/**
 * Receives a search's progress, on the driver thread, in order. Every method has a default that
 * does nothing. A listener must return quickly: the search waits for it.
 */
public interface SearchListener {
    /** A trial started with {@code config}. */
    default void trialStarted(int trialId, Config config) {
    }

    /** A trial ended an epoch. */
    default void epochEnded(int trialId, int epoch, Metrics metrics, double score) {
    }

    /** A trial failed during {@code epoch}. */
    default void trialFailed(int trialId, int epoch, String reason) {
    }

    /** The search is over. */
    default void searchFinished(SearchResult result) {
    }
}
