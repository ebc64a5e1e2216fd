package org.cerebro.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.TrialStatus;
import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Sampler;
import org.cerebro.strategy.Strategy;
import org.cerebro.testing.DelayedMlp;
import org.cerebro.train.DataSpec;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every executor must do, checked on the pure-Java trainable. Extend it with the executor
 * under test; the cluster executor reuses it.
 */
public abstract class ExecutorContract {
    private static final SearchSpace SPACE = SearchSpace.of(HParam.choice("lr", 0.02, 0.05, 0.1),
        HParam.choice("hidden", 0, 8), HParam.choice("batch_size", 16, 32));
    private static final int PARTITIONS = 4;

    protected Dataset train;
    protected Dataset validation;

    /** A new executor with {@code workers} workers (executors that have one worker may ignore it). */
    protected abstract Executor newExecutor(int workers);

    /** The operator the searches are told to run, or null for the planner's choice. */
    protected org.cerebro.plan.Operator operator() {
        return null;
    }

    private org.cerebro.SearchBuilder search(Strategy strategy, Executor executor, Trainable trainable) {
        org.cerebro.SearchBuilder builder = Cerebro.search(SPACE).trainable(trainable).data(train, validation)
            .strategy(strategy).objective(Objective.maximize("accuracy")).seed(17).partitions(PARTITIONS)
            .executor(executor).progress(false);
        return operator() == null ? builder : builder.operator(operator());
    }

    @BeforeEach
    void data() {
        train = MlpTrainableTest.blobs(800, 1);
        validation = MlpTrainableTest.blobs(200, 2);
    }

    @AfterEach
    void close() {
        train.close();
        validation.close();
    }

    private SearchResult run(Strategy strategy, Executor executor, Trainable trainable) {
        SearchResult result = search(strategy, executor, trainable).run();
        if (operator() != null) {
            assertTrue(result.plan().executable().startsWith(operator().name()), result.plan().explain());
        }
        return result;
    }

    @Test
    void everyUnitRunsExactlyOnceAndNothingOverlaps() {
        SearchResult result = run(Strategy.random(6, 3), newExecutor(2), new MlpTrainable());
        List<UnitRecord> units = result.units();
        Map<String, Integer> runs = new HashMap<>();
        for (UnitRecord unit : units) {
            runs.merge(unit.trialId() + "/" + unit.epoch() + "/" + unit.partition(), 1, Integer::sum);
        }
        for (TrialResult trial : result.trials()) {
            for (int e = 1; e <= trial.epochsCompleted(); e++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    assertEquals(1, runs.getOrDefault(trial.trialId() + "/" + e + "/" + p, 0),
                        "trial=" + trial.trialId() + " epoch=" + e + " partition=" + p);
                }
            }
        }
        assertEquals(6 * 3 * PARTITIONS, units.size());
        assertEquals(units.size(), result.unitsRun());
        assertNoOverlap(units, UnitRecord::trialId, "a trial ran on two workers at once");
        assertNoOverlap(units, UnitRecord::worker, "a worker ran two units at once");
    }

    private static void assertNoOverlap(List<UnitRecord> units, java.util.function.ToIntFunction<UnitRecord> key,
                                        String what) {
        Map<Integer, List<UnitRecord>> groups = new HashMap<>();
        for (UnitRecord unit : units) {
            groups.computeIfAbsent(key.applyAsInt(unit), k -> new ArrayList<>()).add(unit);
        }
        for (List<UnitRecord> group : groups.values()) {
            group.sort(Comparator.comparingLong(UnitRecord::startNanos));
            for (int i = 1; i < group.size(); i++) {
                assertTrue(group.get(i).startNanos() >= group.get(i - 1).endNanos(), what + ": " + group.get(i - 1)
                    + " and " + group.get(i));
            }
        }
    }

    @Test
    void resultsEqualTheSequentialExecutorsForTheSameSeed() {
        for (Strategy strategy : List.of(Strategy.grid(2), Strategy.random(5, 3), Strategy.hyperband(9, 3),
                Strategy.pbt(4, 4).mutations("lr"))) { // PBT: trials take over others' states mid-search
            SearchResult expected = run(strategy, new SequentialExecutor(), new MlpTrainable());
            SearchResult actual = run(strategy, newExecutor(2), new MlpTrainable());
            assertEquals(expected.trials(), actual.trials(), strategy.describe());
        }
    }

    @Test
    void adaptiveSamplersAndSchedulersDecideTheSameWayHoweverTheWorkersAreTimed() {
        // their decisions depend on how many trials are in hand, so they are compared run against
        // run on this executor; the random 0-15 ms per pass changes which worker finishes first
        for (Strategy strategy : List.of(Strategy.random(8, 2).sampler(Sampler.tpe().startupTrials(3)),
                Strategy.asha(1, 3, 3).maxTrials(6).sampler(Sampler.tpe().startupTrials(3)),
                Strategy.medianStopping(6, 3))) {
            SearchResult first = run(strategy, newExecutor(2), new DelayedMlp.Jittery());
            SearchResult second = run(strategy, newExecutor(2), new DelayedMlp.Jittery());
            assertEquals(first.trials(), second.trials(), strategy.describe());
            assertTrue(first.trials().stream().allMatch(t -> t.status() != TrialStatus.FAILED), strategy.describe());
            assertTrue(first.best().orElseThrow().lastEpoch().metrics().accuracy() > 0.85, strategy.describe());
        }
    }

    @Test
    void everyValueTypeCrossesIntactAndGivesTheSequentialResults(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        java.util.function.Function<Executor, org.cerebro.SearchBuilder> typed = executor -> {
            org.cerebro.SearchBuilder builder = Cerebro.search(TypedMlp.SPACE).trainable(new TypedMlp())
                .data(train, validation).strategy(Strategy.grid(2)).objective(Objective.maximize("accuracy")).seed(17)
                .partitions(PARTITIONS).executor(executor).progress(false);
            return operator() == null ? builder : builder.operator(operator());
        };
        SearchResult expected = typed.apply(new SequentialExecutor()).run();
        // cut short and resumed: the experiment catalog keeps every value's type too
        java.util.concurrent.atomic.AtomicReference<org.cerebro.RunningSearch> handle =
            new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger units = new java.util.concurrent.atomic.AtomicInteger();
        handle.set(typed.apply(newExecutor(2)).experimentDir(tmp.resolve("typed"))
            .listener(new org.cerebro.SearchListener() {
                @Override
                public void unitDone(UnitRecord unit, int partitions) {
                    if (units.incrementAndGet() == 37) {
                        while (handle.get() == null) {
                            Thread.onSpinWait();
                        }
                        handle.get().cancel();
                    }
                }
            }).build().start());
        try {
            assertTrue(handle.get().await(java.time.Duration.ofSeconds(60)).unitsRun() < expected.unitsRun());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        SearchResult actual = typed.apply(newExecutor(2)).experimentDir(tmp.resolve("typed")).run();
        assertTrue(actual.unitsRecovered() > 0, "resumed");
        assertEquals(16, actual.trials().size());
        assertTrue(actual.failures().isEmpty(), actual.leaderboardTable(16));
        assertEquals(expected.trials(), actual.trials());
        Config first = actual.trials().get(0).config();
        assertTrue(first.values().get("lr") instanceof Float && first.values().get("hidden") instanceof Long
            && first.values().get("momentum_on") instanceof Boolean && first.values().get("batch") instanceof TypedMlp.Batch,
            "values keep their types: " + first.values());
    }

    @Test
    void theBestModelComesBackAndEvaluatesToItsReportedMetricsExactly() {
        try (Dataset test = MlpTrainableTest.blobs(150, 3)) {
            SearchResult result = search(Strategy.asha(1, 9, 3).maxTrials(9), newExecutor(2), new MlpTrainable())
                .test(test, 2).run();
            TrialResult best = result.best().orElseThrow();
            org.cerebro.train.TrainedModel model = result.bestModel().orElseThrow();
            assertEquals(best.trialId(), model.trialId());
            assertEquals(best.epochsCompleted(), model.epochs());
            assertEquals(best.lastEpoch().metrics(), model.evaluate(validation), "the model is the one that was scored");
            assertEquals(best.lastEpoch().metrics(), model.metrics());
            assertEquals(model.evaluate(test), best.test(), "the best trial was evaluated once on the test set");
            assertEquals(2, result.trials().stream().filter(t -> t.test() != null).count(), "top 2 tested");
            int[] predicted = model.predict(validation);
            long correct = java.util.stream.IntStream.range(0, validation.size())
                .filter(i -> predicted[i] == validation.label(i)).count();
            assertEquals(best.lastEpoch().metrics().accuracy(), correct / (double) validation.size(), 1e-12);
            assertTrue(result.leaderboardTable(3).contains("test accuracy"), result.leaderboardTable(3));
        }
    }

    @Test
    void adaptiveSearchesPauseAndResumeTrials() {
        SearchResult result = run(Strategy.asha(1, 9, 3).maxTrials(12), newExecutor(2), new MlpTrainable());
        assertEquals(12, result.trials().size());
        assertTrue(result.trials().stream().anyMatch(t -> t.epochsCompleted() == 9), "a trial reached the top rung");
        assertTrue(result.best().orElseThrow().lastEpoch().metrics().accuracy() > 0.85);
    }

    @Test
    void cancellingFromAnotherThreadStopsAtAUnitBoundary() throws Exception {
        java.util.concurrent.CountDownLatch firstEpoch = new java.util.concurrent.CountDownLatch(1);
        Executor executor = newExecutor(2);
        org.cerebro.RunningSearch running = search(Strategy.random(12, 5), executor, new MlpTrainable())
            .listener(new org.cerebro.SearchListener() {
                @Override
                public void epochEnded(int trialId, int epoch, org.cerebro.train.Metrics metrics, double score) {
                    firstEpoch.countDown();
                }
            })
            .build().start();
        assertTrue(firstEpoch.await(60, java.util.concurrent.TimeUnit.SECONDS));
        running.cancel();
        SearchResult result = running.await(java.time.Duration.ofSeconds(60));
        assertTrue(running.isDone());
        assertTrue(result.unitsRun() < 12 * 5 * PARTITIONS, "cancelled early: " + result.unitsRun() + " units");
        assertTrue(result.epochsCompleted() >= 1);
        // either no new trial started after the cancel, or those cut mid-epoch say so
        assertTrue(result.trials().size() < 12
            || result.trials().stream().anyMatch(t -> t.status() == TrialStatus.CANCELLED), result.leaderboardTable(12));
        for (TrialResult trial : result.trials()) {
            assertTrue(trial.status() == TrialStatus.CANCELLED || trial.epochsCompleted() == 5,
                "only cancelled trials stop short: " + trial);
        }
        assertEquals(result.units().size(), result.unitsRun());
    }

    /** Throws when hidden=8 and lr=0.1; diverges when lr=0.05 and batch_size=16. */
    static final class Faulty implements Trainable {
        private final MlpTrainable inner = new MlpTrainable();

        @Override
        public String name() {
            return "faulty";
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            if ((int) config.values().get("hidden") == 8 && (double) config.values().get("lr") == 0.1) {
                throw new IllegalStateException("factory exploded");
            }
            TrainableState state = inner.init(config, seed, data);
            boolean diverges = (double) config.values().get("lr") == 0.05 && (int) config.values().get("batch_size") == 16;
            return diverges ? new Diverging(state) : state;
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            return inner.restore(config, data, bytes);
        }
    }

    /** A state whose passes diverge (a NaN loss): its trial fails, the others go on. */
    static final class Diverging extends org.cerebro.testing.ForwardingState {
        Diverging(TrainableState inner) {
            super(inner);
        }

        @Override
        public double trainPass(Dataset partition) {
            return Double.NaN;
        }
    }

    @Test
    void aTrialThatThrowsOrDivergesDoesNotStopTheOthers() {
        SearchResult result = run(Strategy.grid(2), newExecutor(2), new Faulty());
        assertEquals(12, result.trials().size());
        List<TrialResult> failed = result.failures();
        assertEquals(2 + 2, failed.size(), result.leaderboardTable(12)); // 2 throwing + 2 diverging configs
        assertTrue(failed.stream().anyMatch(t -> t.failure().contains("factory exploded")));
        assertTrue(failed.stream().anyMatch(t -> t.failure().contains("training loss=NaN")));
        assertEquals(8, result.trials().stream().filter(t -> t.status() == TrialStatus.COMPLETED).count());
    }

    @Test
    void aCancelledSearchResumesFromItsExperimentDirectoryWithoutRerunningUnits(
        @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        cancelAndResume(Strategy.random(6, 3), tmp.resolve("random"));
        cancelAndResume(Strategy.pbt(4, 4).mutations("lr"), tmp.resolve("pbt")); // takeovers are recorded too
    }

    private void cancelAndResume(Strategy strategy, java.nio.file.Path tmp) throws Exception {
        SearchResult uninterrupted = run(strategy, new SequentialExecutor(), new MlpTrainable());
        for (int cutAt : new int[] {3, 30}) {
            java.nio.file.Path dir = tmp.resolve("cut-" + cutAt);
            java.util.concurrent.atomic.AtomicReference<org.cerebro.RunningSearch> handle =
                new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicInteger units = new java.util.concurrent.atomic.AtomicInteger();
            handle.set(search(strategy, newExecutor(2), new MlpTrainable()).experimentDir(dir)
                .listener(new org.cerebro.SearchListener() {
                    @Override
                    public void unitDone(UnitRecord unit, int partitions) {
                        if (units.incrementAndGet() == cutAt) {
                            while (handle.get() == null) {
                                Thread.onSpinWait();
                            }
                            handle.get().cancel();
                        }
                    }
                }).build().start());
            SearchResult cut = handle.get().await(java.time.Duration.ofSeconds(60));
            assertTrue(cut.unitsRun() < uninterrupted.unitsRun(), "cut at " + cutAt + ": " + cut.unitsRun());
            SearchResult resumed = search(strategy, newExecutor(2), new MlpTrainable()).experimentDir(dir).run();
            assertEquals(uninterrupted.trials(), resumed.trials(), "cut at " + cutAt);
            // units in flight at the cancel finish and are recorded: nothing runs twice
            assertEquals(cut.unitsRun(), resumed.unitsRecovered(), "cut at " + cutAt);
            assertEquals(uninterrupted.unitsRun(), resumed.unitsRecovered() + resumed.unitsRun(), "cut at " + cutAt);
        }
    }

    /**
     * Throws an {@link OutOfMemoryError} on the third pass of grid point 2 that this instance (one
     * per JVM: a cluster worker builds its own) trains: the run must fail, not the trial.
     */
    static final class OutOfMemoryOnce implements Trainable {
        private final MlpTrainable inner = new MlpTrainable();
        private final java.util.concurrent.atomic.AtomicInteger passes = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public String name() {
            return inner.name(); // the same search as a plain MLP one, so a plain run can resume it
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            return wrap(inner.init(config, seed, data), config);
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            return wrap(inner.restore(config, data, bytes), config);
        }

        private TrainableState wrap(TrainableState state, Config config) {
            return new TrainableState() {
                @Override
                public double trainPass(Dataset partition) {
                    if (config.equals(SPACE.gridPoint(2)) && passes.incrementAndGet() == 3) {
                        throw new OutOfMemoryError("simulated: Java heap space");
                    }
                    return state.trainPass(partition);
                }

                @Override
                public org.cerebro.train.Metrics evaluate(Dataset v) {
                    return state.evaluate(v);
                }

                @Override
                public byte[] toBytes() {
                    return state.toBytes();
                }

                @Override
                public void close() {
                    state.close();
                }
            };
        }
    }

    @Test
    void anErrorInAWorkerFailsTheRunCleanlyAndTheRunResumes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        java.nio.file.Path dir = tmp.resolve("exp");
        Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
            () -> search(Strategy.grid(3), newExecutor(2), new OutOfMemoryOnce()).experimentDir(dir).run());
        boolean named = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // in-process executors keep the error as the cause; remote ones can only name it
            named |= t instanceof OutOfMemoryError && t.getMessage().contains("simulated")
                || String.valueOf(t.getMessage()).contains("java.lang.OutOfMemoryError: simulated");
        }
        assertTrue(named, "the run fails naming the error: " + failure);
        SearchResult resumed = search(Strategy.grid(3), newExecutor(2), new MlpTrainable()).experimentDir(dir).run();
        assertEquals(run(Strategy.grid(3), new SequentialExecutor(), new MlpTrainable()).trials(), resumed.trials());
        assertTrue(resumed.unitsRecovered() > 0, "units before the error were kept");
    }
}
