package org.cerebro.optimizer.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.DataSpec;
import org.cerebro.train.MlpTrainable;
import org.cerebro.testing.ForwardingState;
import org.cerebro.train.MlpTrainableTest;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;
import org.junit.jupiter.api.Test;

/**
 * The thread split is chosen by measurement: one thread per worker when it trains clearly faster
 * than the cores split evenly (a small model on one worker), the even split otherwise, and the
 * search trains with the choice, which EXPLAIN shows.
 */
class ThreadChoiceTest {
    static final int CORES = Runtime.getRuntime().availableProcessors();

    /** A model whose pass takes {@code millisAt(threads)}: the threads come from configureWorkers, as DJL's do. */
    static final class Timed implements Trainable {
        final boolean oneThreadFaster;
        volatile int threads = 1;
        volatile int lastConfigured;

        Timed(boolean oneThreadFaster) {
            this.oneThreadFaster = oneThreadFaster;
        }

        @Override
        public String name() {
            return "timed";
        }

        @Override
        public void configureWorkers(int workers) {
            lastConfigured = workers;
            threads = Math.max(1, CORES / workers);
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            MlpTrainable inner = new MlpTrainable();
            TrainableState state = inner.init(config, seed, data);
            return new ForwardingState(state) {
                @Override
                public double trainPass(Dataset partition) {
                    long millis = threads == 1 == oneThreadFaster ? 4 : 12;
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return super.trainPass(partition);
                }
            };
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            return new MlpTrainable().restore(config, data, bytes);
        }
    }

    private static final Config CONFIG = Config.of(Map.of("lr", 0.1, "hidden", 0));

    @Test
    void oneThreadPerWorkerWhenItTrainsClearlyFaster() {
        assumeTrue(CORES >= 2, "one core: nothing to choose");
        try (Dataset sample = MlpTrainableTest.blobs(64, 1)) {
            Timed timed = new Timed(true);
            var choice = new Profiler(0.05, 10).chooseThreads(timed, CONFIG, new DataSpec(5, 3), sample, 1);
            assertEquals(1, choice.threads(), choice.note());
            assertEquals(CORES, choice.configureFor());
            assertEquals(CORES, timed.lastConfigured, "left configured with the choice");
            assertTrue(choice.note().contains("one thread is faster"), choice.note());
        }
    }

    @Test
    void theEvenSplitWhenMoreThreadsHelp() {
        assumeTrue(CORES >= 2, "one core: nothing to choose");
        try (Dataset sample = MlpTrainableTest.blobs(64, 1)) {
            Timed timed = new Timed(false);
            var choice = new Profiler(0.05, 10).chooseThreads(timed, CONFIG, new DataSpec(5, 3), sample, 1);
            assertEquals(CORES, choice.threads(), choice.note());
            assertEquals(1, timed.lastConfigured);
        }
    }

    @Test
    void nothingToChooseForATrainableThatDoesNotSplitThreads() {
        try (Dataset sample = MlpTrainableTest.blobs(64, 1)) {
            var choice = new Profiler(0.05, 10).chooseThreads(new MlpTrainable(), CONFIG, new DataSpec(5, 3), sample, 1);
            assertTrue(choice.note().contains("does not split threads") || choice.note().contains("one core"),
                choice.note());
        }
    }

    @Test
    void aOneWorkerSearchTrainsWithTheChoiceAndExplainShowsIt() {
        assumeTrue(CORES >= 2, "one core: nothing to choose");
        Timed timed = new Timed(true);
        try (Dataset train = MlpTrainableTest.blobs(400, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            SearchResult result = Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.05, 0.1), HParam.choice("hidden", 0)))
                .trainable(timed).data(train, validation).strategy(Strategy.grid(1))
                .objective(Objective.maximize("accuracy")).executor(new SequentialExecutor()).progress(false).run();
            assertEquals(CORES, timed.lastConfigured, "the search trained on one thread per worker");
            assertTrue(result.plan().explain().contains("threads: 1 intra-op thread(s) per worker; measured"),
                result.plan().explain());
        }
    }

    @Test
    void intraOpThreadsFixesTheSplitWithoutMeasuring() {
        assumeTrue(CORES >= 2, "one core: one thread either way");
        Timed timed = new Timed(true); // one thread would win a measurement
        try (Dataset train = MlpTrainableTest.blobs(400, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            SearchResult result = Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.05, 0.1), HParam.choice("hidden", 0)))
                .trainable(timed).data(train, validation).strategy(Strategy.grid(1))
                .objective(Objective.maximize("accuracy")).executor(new SequentialExecutor()).intraOpThreads(CORES)
                .progress(false).run();
            assertEquals(1, timed.lastConfigured, "every core for the one worker, as fixed, not the measured winner");
            assertTrue(result.plan().explain().contains("threads: " + CORES + " intra-op thread(s) per worker; fixed by"
                + " SearchBuilder.intraOpThreads(" + CORES + "): not measured"), result.plan().explain());
        }
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.1))).intraOpThreads(0)).getMessage()
            .contains("intraOpThreads=0 expected >= 1"));
    }
}
