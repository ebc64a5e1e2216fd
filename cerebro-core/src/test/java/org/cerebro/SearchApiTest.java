package org.cerebro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cerebro.data.Dataset;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole searches through the fluent API on the pure-Java trainable and the sequential executor. */
class SearchApiTest {
    private static final SearchSpace SPACE = SearchSpace.of(
        MlpTrainable.LEARNING_RATE.gridPoints(3), HParam.choice("hidden", 0, 8), HParam.choice("batch_size", 16, 32));

    private Dataset train;
    private Dataset validation;

    @BeforeEach
    void data() {
        train = MlpTrainableTestData.blobs(400, 1);
        validation = MlpTrainableTestData.blobs(200, 2);
    }

    @AfterEach
    void close() {
        train.close();
        validation.close();
    }

    private SearchBuilder search(Strategy strategy, long seed) {
        return Cerebro.search(SPACE).trainable(new MlpTrainable()).data(train, validation).strategy(strategy)
            .objective(Objective.maximize("accuracy")).seed(seed);
    }

    @Test
    void everyStrategyRunsAWholeSearchAndFindsAGoodConfig() {
        List<Strategy> strategies = List.of(Strategy.grid(2), Strategy.random(6, 3), Strategy.hyperband(9, 3),
            Strategy.asha(1, 9, 3).maxTrials(12));
        for (Strategy strategy : strategies) {
            SearchResult result = search(strategy, 42).run();
            TrialResult best = result.best().orElseThrow();
            assertTrue(best.lastEpoch().metrics().accuracy() > 0.85, strategy.describe() + " best=" + best);
            assertEquals(result.epochsCompleted(), result.unitsRun(), "one partition: one unit per epoch");
            assertTrue(result.leaderboard().size() >= 1);
            List<TrialResult> board = result.leaderboard();
            for (int i = 1; i < board.size(); i++) {
                assertTrue(board.get(i - 1).finalScore() >= board.get(i).finalScore(), "leaderboard is ranked");
            }
            for (TrialResult t : result.trials()) {
                assertTrue(t.epochsCompleted() <= strategy.maxEpochs());
                assertEquals(t.config().id(), t.provenance().configId());
                assertEquals(42, t.provenance().searchSeed());
            }
        }
        assertEquals(12, search(Strategy.grid(1), 0).run().trials().size(), "3 lr grid points x 2 x 2");
    }

    @Test
    void theSameSeedGivesTheSameDecisionsAndResult() {
        SearchResult a = search(Strategy.asha(1, 9, 3).maxTrials(10), 7).partitions(3).run();
        SearchResult b = search(Strategy.asha(1, 9, 3).maxTrials(10), 7).partitions(3).run();
        assertEquals(a.trials(), b.trials());
        assertEquals(a.rungs(), b.rungs());
        assertEquals(a.toCsv(), b.toCsv());
        assertEquals(withoutElapsed(a.toJson()), withoutElapsed(b.toJson()));
        SearchResult c = search(Strategy.asha(1, 9, 3).maxTrials(10), 8).partitions(3).run();
        assertNotEquals(a.trials().get(0).config(), c.trials().get(0).config());
    }

    private static String withoutElapsed(String json) {
        return json.replaceAll("\"elapsedSeconds\":[^,]*,", "");
    }

    /** Fails for hidden=8 with an exception in "user code"; diverges for batch_size=16. */
    static final class FlakyTrainable implements Trainable {
        private final MlpTrainable inner = new MlpTrainable();

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            if (config.get(HParam.choice("hidden", 0, 8)) == 8) {
                throw new IllegalStateException("user code exploded for " + config.canonical());
            }
            TrainableState state = inner.init(config, seed, data);
            if (config.get(HParam.choice("batch_size", 16, 32)) == 32) {
                return state;
            }
            return new org.cerebro.testing.ForwardingState(state) {
                @Override
                public double trainPass(Dataset partition) {
                    return Double.NaN;
                }
            };
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            return inner.restore(config, data, bytes);
        }
    }

    @Test
    void failedTrialsAreVisibleAndTheSearchGoesOn() {
        for (Strategy strategy : List.of(Strategy.grid(2), Strategy.hyperband(9, 3), Strategy.asha(1, 9, 3).maxTrials(12))) {
            SearchResult result = Cerebro.search(SPACE).trainable(new FlakyTrainable()).data(train, validation)
                .strategy(strategy).objective(Objective.minimize("loss")).run();
            assertTrue(result.failures().stream().anyMatch(t -> t.failure().contains("user code exploded")), strategy.describe());
            assertTrue(result.failures().stream().anyMatch(t -> t.failure().contains("training loss=NaN")), strategy.describe());
            TrialResult best = result.best().orElseThrow();
            assertEquals(32, best.config().get(HParam.choice("batch_size", 16, 32)));
            assertTrue(result.leaderboardTable(3).contains("failed"));
        }
    }

    @Test
    void misuseFailsBeforeAnyWorkWithAClearMessage() {
        assertMessage(() -> Cerebro.search(SPACE).trainable(new MlpTrainable()).strategy(Strategy.grid(1))
            .objective(Objective.maximize("accuracy")).build(), "no data");
        assertMessage(() -> Cerebro.search(SPACE).trainable(new MlpTrainable()).data(train, validation)
            .strategy(Strategy.grid(1)).build(), "no objective");
        assertMessage(() -> Cerebro.search(SPACE).data(train, validation).strategy(Strategy.grid(1))
            .objective(Objective.maximize("accuracy")).build(), "no trainable");
        assertMessage(() -> Cerebro.search(SPACE).trainable(new MlpTrainable()).data(train, validation)
            .objective(Objective.maximize("accuracy")).build(), "no strategy");
        assertMessage(() -> search(Strategy.grid(1), 0).executor(new SequentialExecutor()).executor(new SequentialExecutor()),
            "executor given twice");
        assertMessage(() -> search(Strategy.grid(1), 0).seed(3), "seed given twice");
        assertMessage(() -> search(Strategy.asha(5, 2, 3), 0), "maxEpochs=2 is below minEpochs=5");
        assertMessage(() -> search(Strategy.asha(1, 9, 3), 0).build(), "asha needs a budget");
        SearchSpace continuous = SearchSpace.of(HParam.uniform("lr", 0.01, 0.1));
        assertMessage(() -> Cerebro.search(continuous).trainable(new MlpTrainable()).data(train, validation)
            .strategy(Strategy.grid(1)).objective(Objective.maximize("accuracy")).build(), "lr", "gridPoints");
        assertMessage(() -> search(Strategy.grid(1), 0).partitions(10_000).build(), "more partitions than training records");
        try (Dataset narrow = MlpTrainableTestData.narrow()) {
            assertMessage(() -> Cerebro.search(SPACE).trainable(new MlpTrainable()).data(train, narrow)
                .strategy(Strategy.grid(1)).objective(Objective.maximize("accuracy")).build(), "featureWidth");
        }
        assertMessage(() -> search(Strategy.grid(1), 0).objective(Objective.maximize("f1")), "objective given twice");
        assertMessage(() -> Cerebro.search(SPACE).trainable(new MlpTrainable()).data(train, validation)
            .strategy(Strategy.random(1, 1)).objective(Objective.maximize("f1")).build(), "metric=f1",
            "[accuracy, loss]");
    }

    private static void assertMessage(Runnable misuse, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, misuse::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks [" + part + "]: " + e.getMessage());
        }
    }

    @Test
    void aSearchIsInspectableBeforeItRunsAndRunsOnce() {
        Search search = search(Strategy.random(2, 1), 1).partitions(2).build();
        assertTrue(search.describe().contains("random(trials=2, epochs=1)"), search.describe());
        assertTrue(search.describe().contains("partitions=2"), search.describe());
        assertEquals(2, search.settings().partitions());
        assertEquals(Strategy.random(2, 1), search.logical().strategy());
        SearchResult result = search.run();
        assertEquals(4, result.unitsRun(), "2 trials x 1 epoch x 2 partitions");
        assertThrows(IllegalStateException.class, search::run);
    }

    @Test
    void resultsExportToCsvAndJsonAndListenersSeeEveryEvent(@TempDir Path dir) throws Exception {
        List<String> events = new ArrayList<>();
        SearchResult result = search(Strategy.random(3, 2), 5).listener(new SearchListener() {
            @Override
            public void trialStarted(int trialId, Config config) {
                events.add("start " + trialId);
            }

            @Override
            public void epochEnded(int trialId, int epoch, Metrics metrics, double score) {
                events.add("epoch " + trialId + "@" + epoch);
            }

            @Override
            public void searchFinished(SearchResult r) {
                events.add("finished");
            }
        }).run();
        assertEquals(List.of("start 0", "epoch 0@1", "epoch 0@2", "start 1", "epoch 1@1", "epoch 1@2", "start 2",
            "epoch 2@1", "epoch 2@2", "finished"), events);
        result.writeCsv(dir.resolve("r.csv"));
        List<String> csv = Files.readAllLines(dir.resolve("r.csv"));
        assertEquals("trial,config_id,status,epochs,accuracy,loss,accuracy,test_accuracy,batch_size,hidden,lr,failure",
            csv.get(0));
        assertEquals(4, csv.size());
        assertTrue(csv.get(1).startsWith("0," + result.trials().get(0).config().id() + ",COMPLETED,2,"), csv.get(1));
        result.writeJson(dir.resolve("r.json"));
        String json = Files.readString(dir.resolve("r.json"));
        for (String key : new String[] {"\"search\":", "\"metric\":\"accuracy\"", "\"trials\":[", "\"configId\":",
            "\"provenance\":", "\"cerebroVersion\":\"" + Cerebro.version() + "\"", "\"epochs\":[{\"epoch\":1"}) {
            assertTrue(json.contains(key), "json lacks " + key + ": " + json);
        }
        assertTrue(Cerebro.version().matches("\\d+\\.\\d+\\.\\d+.*"), Cerebro.version());
        // cerebro-core alone has no cost-based planner: the search still runs, and EXPLAIN says so
        assertEquals("no", result.plan().planner());
        assertTrue(result.explain().contains("add org.cerebro:cerebro-optimizer"), result.explain());
    }
}
