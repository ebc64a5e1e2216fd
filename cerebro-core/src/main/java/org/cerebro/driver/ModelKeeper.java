package org.cerebro.driver;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.cerebro.SearchResult;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainedModel;

/**
 * The trained models of the best trials, as they end: at most {@code capacity}, ranked as the
 * leaderboard ranks trials (final score, then epochs completed, then lower id), so the result's
 * best trials are the ones kept. A trial's state is copied only when it would be kept.
 *
 * <p>The driver's thread.
 */
final class ModelKeeper {
    private record Kept(int trialId, double score, int epochs, TrainedModel model) {
    }

    private static final Comparator<Kept> BEST_FIRST = (a, b) -> SearchResult.rank(a.score, a.epochs, a.trialId,
        b.score, b.epochs, b.trialId);

    private final int capacity;
    private final Trainable trainable;
    private final DataSpec data;
    private final TreeSet<Kept> kept = new TreeSet<>(BEST_FIRST);

    ModelKeeper(int capacity, Trainable trainable, DataSpec data) {
        this.capacity = capacity;
        this.trainable = trainable;
        this.data = data;
    }

    /**
     * A trial ended after {@code epochs} epochs with {@code score}: keeps its model if it ranks
     * among the best, taking its state from {@code state} (null when it cannot be had).
     */
    void offer(int trialId, Config config, int epochs, double score, Metrics metrics, Supplier<byte[]> state) {
        if (capacity == 0 || epochs == 0) {
            return;
        }
        Kept candidate = new Kept(trialId, score, epochs, null);
        if (kept.size() >= capacity && BEST_FIRST.compare(candidate, kept.last()) > 0) {
            return;
        }
        byte[] bytes = state.get();
        if (bytes == null) {
            return;
        }
        kept.add(new Kept(trialId, score, epochs, new TrainedModel(trialId, config, epochs, metrics, trainable, data,
            bytes)));
        while (kept.size() > capacity) {
            kept.pollLast();
        }
    }

    /** Forgets a trial (it failed after all). */
    void drop(int trialId) {
        kept.removeIf(k -> k.trialId == trialId);
    }

    /** The kept models by trial id. */
    Map<Integer, TrainedModel> models() {
        Map<Integer, TrainedModel> models = new HashMap<>();
        kept.forEach(k -> models.put(k.trialId, k.model));
        return models;
    }
}
