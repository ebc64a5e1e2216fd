package org.cerebro.exec.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.testing.ForwardingState;
import org.cerebro.train.DataSpec;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;
import org.junit.jupiter.api.Test;

/** A trial resumed after a pause starts from a state restored ahead of its unit, off the workers' threads. */
class PrefetchTest {
    /**
     * The pure-Java MLP with passes 10 ms longer (a restore, well under a millisecond, then ends
     * before a busy worker frees up), counting restores by thread and the states not yet closed.
     */
    private static final class Counting implements Trainable {
        final MlpTrainable inner = new MlpTrainable();
        final Map<String, AtomicInteger> restoresOn = new ConcurrentHashMap<>();
        final AtomicInteger open = new AtomicInteger();
        /** States restored ahead of their unit that then trained. */
        final java.util.Set<TrainableState> usedAhead = ConcurrentHashMap.newKeySet();

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            return counted(inner.init(config, seed, data), false);
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            String thread = Thread.currentThread().getName().startsWith("cerebro-worker") ? "worker"
                : Thread.currentThread().getName();
            restoresOn.computeIfAbsent(thread, t -> new AtomicInteger()).incrementAndGet();
            return counted(inner.restore(config, data, bytes), thread.equals("cerebro-prefetch"));
        }

        @Override
        public double epochCost(Config config, DataSpec data) {
            return inner.epochCost(config, data);
        }

        private TrainableState counted(TrainableState state, boolean ahead) {
            open.incrementAndGet();
            return new ForwardingState(state) {
                @Override
                public double trainPass(Dataset partition) {
                    if (ahead) {
                        usedAhead.add(this);
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while training", e);
                    }
                    return super.trainPass(partition);
                }

                @Override
                public void close() {
                    open.decrementAndGet();
                    super.close();
                }
            };
        }

        int restores(String thread) {
            return restoresOn.getOrDefault(thread, new AtomicInteger()).get();
        }
    }

    private static SearchBuilder search(Dataset train, Dataset validation, Trainable trainable) {
        return Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3), HParam.choice("hidden", 0, 8)))
            .trainable(trainable).data(train, validation).strategy(Strategy.hyperband(9, 3))
            .objective(Objective.maximize("accuracy")).seed(3).partitions(4).progress(false);
    }

    @Test
    void resumedTrialsStartFromStatesRestoredAheadAndNothingIsLeftOpen() {
        try (Dataset train = MlpTrainableTest.blobs(600, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            SearchResult expected = search(train, validation, new MlpTrainable()).executor(new SequentialExecutor())
                .run();
            Counting counting = new Counting();
            SearchResult prefetched = search(train, validation, counting).executor(LocalExecutor.cpus(2)).run();
            assertEquals(expected.trials(), prefetched.trials(), "the same results as the sequential executor");
            // Hyperband pauses every trial of a rung and resumes the best: with 2 workers and trials in
            // hand, a resumed trial waits for a worker, and its state is restored meanwhile
            assertTrue(counting.restores("cerebro-prefetch") > 0, "restores by thread: " + counting.restoresOn);
            assertTrue(counting.usedAhead.size() > 0, "a state restored ahead trained its unit");
            assertEquals(0, counting.open.get(), "every state, prefetched and used or not, is closed");
        }
    }
}
