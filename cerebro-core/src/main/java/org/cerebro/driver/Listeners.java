package org.cerebro.driver;

import java.util.List;
import java.util.function.Consumer;
import org.cerebro.SearchListener;
import org.cerebro.SearchResult;
import org.cerebro.exec.UnitRecord;
import org.cerebro.space.Config;
import org.cerebro.train.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A search's listeners, each called in turn and isolated: an exception in one is logged (once per
 * listener and event, with its class) and the search goes on; an {@link Error} propagates.
 *
 * <p>The driver's thread.
 */
final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<SearchListener> listeners;
    private final List<String> warnings;
    private final java.util.Set<String> reported = new java.util.HashSet<>();

    /** @param warnings where a listener's failure is noted for the result, once per listener and event */
    Listeners(List<SearchListener> listeners, List<String> warnings) {
        this.listeners = List.copyOf(listeners);
        this.warnings = warnings;
    }

    private void each(String event, Consumer<SearchListener> call) {
        for (SearchListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                String key = listener.getClass().getName() + "#" + event;
                if (reported.add(key)) {
                    warnings.add("listener " + listener.getClass().getName() + " threw in " + event + ": " + e);
                    LOG.warn("listener {} threw in {} (the search goes on; further failures of it there are not logged)",
                        listener.getClass().getName(), event, e);
                }
            }
        }
    }

    void searchStarted(String summary, long plannedEpochs) {
        each("searchStarted", l -> l.searchStarted(summary, plannedEpochs));
    }

    void searchResumed(int epochsRecovered, long unitsRecovered) {
        each("searchResumed", l -> l.searchResumed(epochsRecovered, unitsRecovered));
    }

    void trialStarted(int trialId, Config config) {
        each("trialStarted", l -> l.trialStarted(trialId, config));
    }

    void unitDone(UnitRecord unit, int partitions) {
        each("unitDone", l -> l.unitDone(unit, partitions));
    }

    void epochEnded(int trialId, int epoch, Metrics metrics, double score) {
        each("epochEnded", l -> l.epochEnded(trialId, epoch, metrics, score));
    }

    void trialStopped(int trialId, int epochs) {
        each("trialStopped", l -> l.trialStopped(trialId, epochs));
    }

    void bestSoFar(int trialId, int epoch, double score) {
        each("bestSoFar", l -> l.bestSoFar(trialId, epoch, score));
    }

    void trialFailed(int trialId, int epoch, String reason) {
        each("trialFailed", l -> l.trialFailed(trialId, epoch, reason));
    }

    void warning(String message) {
        each("warning", l -> l.warning(message));
    }

    void searchFinished(SearchResult result) {
        each("searchFinished", l -> l.searchFinished(result));
    }
}
