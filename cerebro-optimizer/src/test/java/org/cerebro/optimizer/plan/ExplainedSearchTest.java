package org.cerebro.optimizer.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.plan.Operator;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With cerebro-optimizer on the class path, every search is planned by cost and explains itself. */
class ExplainedSearchTest {
    private static SearchResult run(Strategy strategy, Path cache) {
        try (Dataset train = MlpTrainableTest.blobs(600, 1); Dataset validation = MlpTrainableTest.blobs(200, 2)) {
            var builder = Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3), HParam.choice("hidden", 0, 8)))
                .trainable(new MlpTrainable()).data(train, validation).strategy(strategy)
                .objective(Objective.maximize("accuracy")).seed(3);
            if (cache != null) {
                builder.profileCache(cache);
            }
            return builder.run();
        }
    }

    @Test
    void everyStrategysSearchIsPlannedByCostAndExplained() {
        for (Strategy strategy : List.of(Strategy.random(4, 2), Strategy.hyperband(9, 3), Strategy.asha(1, 9, 3).maxTrials(6),
            Strategy.grid(1))) {
            SearchResult result = strategy instanceof org.cerebro.strategy.GridSearch
                ? runGrid()
                : run(strategy, null);
            assertEquals("cost-based", result.plan().planner());
            assertEquals(Operator.MOP, result.plan().chosen(), "one worker: MOP (= sequential) needs no data copies");
            String explain = result.explain();
            for (String part : new String[] {"EXPLAIN (cost-based planner)", "MOP", "TASK_PARALLEL", "DATA_PARALLEL",
                "CHOSEN: fastest feasible plan", "inputs: profile [mlp-java", "measured now", "measured: makespan"}) {
                assertTrue(explain.contains(part), strategy.describe() + " EXPLAIN lacks [" + part + "]:\n" + explain);
            }
            assertTrue(result.plan().chosenCandidate().makespanSeconds() > 0);
            assertTrue(result.toJson().contains("\"plan\":\"MOP\""));
        }
    }

    @Test
    void theMeasuredMakespanStartsAtThePlanAndIsComparedWithTheOperatorThatRan() {
        try (Dataset train = MlpTrainableTest.blobs(600, 1); Dataset validation = MlpTrainableTest.blobs(200, 2)) {
            SearchResult result = Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3),
                    HParam.choice("hidden", 0, 8))).trainable(new MlpTrainable()).data(train, validation)
                .strategy(Strategy.random(4, 2)).objective(Objective.maximize("accuracy")).seed(3)
                .operator(Operator.TASK_PARALLEL).run(); // one worker: the planner chooses MOP
            String explain = result.explain();
            java.util.regex.Matcher measured = java.util.regex.Pattern.compile("measured: makespan ([0-9.]+) s \\(from"
                + " this plan, made at \\+([0-9.]+) s, to the end of training: the interval the estimate covers\\) vs"
                + " TASK_PARALLEL's estimate").matcher(explain);
            assertTrue(measured.find(), "compared with the estimate of the operator that ran: " + explain);
            assertEquals(Operator.MOP, result.plan().chosen());
            double seconds = Double.parseDouble(measured.group(1));
            double plannedAt = Double.parseDouble(measured.group(2));
            assertTrue(plannedAt > 0, "profiling takes time before the plan: " + explain);
            assertEquals(plannedAt, result.stages().get(0).atSeconds(), 0.005);
            double elapsed = result.elapsed().toNanos() / 1e9;
            assertTrue(plannedAt + seconds <= elapsed + 0.01 && seconds < elapsed, "plan at " + plannedAt + " + "
                + seconds + " within the run's " + elapsed + " s:\n" + explain);
        }
    }

    private static SearchResult runGrid() {
        try (Dataset train = MlpTrainableTest.blobs(600, 1); Dataset validation = MlpTrainableTest.blobs(200, 2)) {
            return Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.05, 0.1), HParam.choice("hidden", 0, 8)))
                .trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.grid(1))
                .objective(Objective.maximize("accuracy")).run();
        }
    }

    /** Four workers that run their units one after another in the calling thread: enough for planning to see a stage narrow. */
    static final class FourWorkers implements org.cerebro.exec.Executor {
        private final java.util.ArrayDeque<org.cerebro.exec.WorkerEvent.UnitDone> started = new java.util.ArrayDeque<>();
        private org.cerebro.exec.ExecutionContext context;

        @Override
        public String name() {
            return "four-inline";
        }

        @Override
        public int workers() {
            return 4;
        }

        @Override
        public boolean sharesMemory() {
            return true;
        }

        @Override
        public void open(org.cerebro.exec.ExecutionContext context) {
            this.context = context;
        }

        @Override
        public void start(int worker, org.cerebro.exec.UnitWork work) {
            started.add(new org.cerebro.exec.WorkerEvent.UnitDone(worker, work, null));
        }

        @Override
        public org.cerebro.exec.WorkerEvent poll(long timeout, java.util.concurrent.TimeUnit unit) {
            org.cerebro.exec.WorkerEvent.UnitDone next = started.poll();
            if (next == null) {
                return null;
            }
            org.cerebro.exec.UnitWork work = next.work();
            return new org.cerebro.exec.WorkerEvent.UnitDone(next.worker(), work,
                org.cerebro.exec.UnitRunner.run(context.trainable(), context.data(), work,
                    context.partitions().get(work.partition()), context.validation(), context.journal(), false));
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aSearchIsLoweredAgainWhenItsDemandNarrows() {
        try (Dataset train = MlpTrainableTest.blobs(600, 1); Dataset validation = MlpTrainableTest.blobs(200, 2)) {
            SearchResult result = Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3)))
                .trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.asha(1, 9, 3).maxTrials(9))
                .objective(Objective.maximize("accuracy")).executor(new FourWorkers()).run();
            assertEquals(2, result.stages().size(), result.explain());
            assertEquals(4, result.plan().input().workers());
            assertEquals(4, result.plan().input().partitions());
            String trigger = result.stages().get(1).trigger();
            assertTrue(trigger.startsWith("demand narrowed to 1 trial(s) for 4 worker(s)"), trigger);
            assertEquals(1, result.stages().get(1).plan().input().trials());
            assertTrue(result.explain().contains("stage 2, planned at"), result.explain());
            assertTrue(result.explain().contains("placement: 4 partition(s) over 4 worker(s)"), result.explain());
        }
    }

    @Test
    void profilesAreCachedAcrossRuns(@TempDir Path dir) {
        Path cache = dir.resolve("profiles.dat");
        SearchResult first = run(Strategy.random(2, 1), cache);
        SearchResult second = run(Strategy.random(2, 1), cache);
        assertTrue(first.plan().input().profile().source().startsWith("measured now"), first.explain());
        assertTrue(second.plan().input().profile().source().startsWith("cached in " + cache), second.explain());
        assertEquals(first.plan().input().profile().secondsPerSample(), second.plan().input().profile().secondsPerSample());
        assertEquals(first.plan().input().profile().measuredAt().toEpochMilli(),
            second.plan().input().profile().measuredAt().toEpochMilli(), "the profile's age is that of the measurement");
    }

    @Test
    void theProfileIsTheMeanOfSeveralSampledConfigs(@TempDir Path dir) {
        Path cache = dir.resolve("profiles.dat");
        SearchResult result = run(Strategy.random(4, 1), cache);
        org.cerebro.plan.ModelProfile profile = result.plan().input().profile();
        assertTrue(profile.key().contains("mean of 3 sampled configs"), result.explain());
        SearchSpace space = SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3), HParam.choice("hidden", 0, 8));
        double sum = 0;
        try (ProfileCache profiles = ProfileCache.open(cache)) {
            for (int i = 0; i < 3; i++) {
                org.cerebro.plan.ModelProfile one = profiles.get(Profiler.key(new MlpTrainable(), space.sample(3, i),
                    "cpu"));
                assertTrue(one != null, "config " + i + " was profiled and cached");
                sum += one.secondsPerSample();
            }
        }
        assertEquals(sum / 3, profile.secondsPerSample(), 1e-15, "the mean of the three");
    }
}
