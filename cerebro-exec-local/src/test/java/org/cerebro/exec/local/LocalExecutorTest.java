package org.cerebro.exec.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.Test;

/** What is particular to the local executor: timing independence, free order, settings. */
class LocalExecutorTest {
    private static SearchBuilder search(Dataset train, Dataset validation, long seed) {
        return search(train, validation, seed, new MlpTrainable());
    }

    private static SearchBuilder search(Dataset train, Dataset validation, long seed,
                                        org.cerebro.train.Trainable trainable) {
        return Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3), HParam.choice("hidden", 0, 4)))
            .trainable(trainable).data(train, validation).strategy(Strategy.random(6, 2))
            .objective(Objective.maximize("accuracy")).seed(seed).partitions(3);
    }

    @Test
    void resultsDoNotDependOnThreadTimingRunAfterRun() {
        try (Dataset train = MlpTrainableTest.blobs(300, 1); Dataset validation = MlpTrainableTest.blobs(60, 2)) {
            for (long seed = 0; seed < 15; seed++) {
                SearchResult expected = search(train, validation, seed).executor(new SequentialExecutor()).run();
                SearchResult actual = search(train, validation, seed).executor(LocalExecutor.cpus(3)).run();
                assertEquals(expected.trials(), actual.trials(), "seed " + seed);
            }
        }
    }

    @Test
    void freeOrderVisitsEveryPartitionOncePerEpochToo() {
        try (Dataset train = MlpTrainableTest.blobs(300, 1); Dataset validation = MlpTrainableTest.blobs(60, 2)) {
            LocalExecutor executor = LocalExecutor.cpus(2).freeOrder();
            SearchResult result = search(train, validation, 3).executor(executor).run();
            assertEquals(6 * 2 * 3, result.units().size());
            assertTrue(executor.name().contains("free-order"), executor.name());
            result.trials().forEach(t -> assertEquals(2, t.epochsCompleted()));
        }
    }

    @Test
    void theCoreFindsTheLocalExecutorThroughServiceLoader() {
        org.cerebro.exec.Executor executor = org.cerebro.exec.Executors.find("local").create(2);
        assertTrue(executor instanceof LocalExecutor, executor.getClass().getName());
        assertEquals(2, executor.workers());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> org.cerebro.exec.Executors.find("cluster"));
        assertTrue(unknown.getMessage().contains("[sequential, local]"), unknown.getMessage());
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> LocalExecutor.cpus(0));
        assertThrows(IllegalArgumentException.class, () -> LocalExecutor.gpus(-1));
        assertEquals(2, LocalExecutor.cpus(2).workers());
        assertEquals("cpu", LocalExecutor.cpus(2).deviceKind());
        assertThrows(IllegalArgumentException.class, () -> LocalExecutor.cpus(2).replicas(0));
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
            () -> LocalExecutor.cpus(2).replicas(3));
        assertTrue(tooMany.getMessage().contains("replicas=3 expected 1..2"), tooMany.getMessage());
        assertEquals(1, LocalExecutor.cpus(2).freeOrder().replicas(1).replicas(), "settings combine");
    }

    @Test
    void aTrainableThatCannotBindToADeviceStopsTheSearchBeforeAnyWorkNamingTheDevice() {
        MlpTrainable inner = new MlpTrainable();
        org.cerebro.train.Trainable unbindable = new org.cerebro.train.Trainable() {
            @Override
            public String name() {
                return "unbindable";
            }

            @Override
            public org.cerebro.train.TrainableState init(org.cerebro.space.Config config, long seed,
                                                         org.cerebro.train.DataSpec data) {
                throw new AssertionError("no trial may start");
            }

            @Override
            public org.cerebro.train.TrainableState restore(org.cerebro.space.Config config,
                                                            org.cerebro.train.DataSpec data, byte[] bytes) {
                return inner.restore(config, data, bytes);
            }

            @Override
            public org.cerebro.train.Trainable onDevice(org.cerebro.train.WorkerDevice device) {
                throw new IllegalStateException("no such device here");
            }
        };
        int threadsBefore = Thread.activeCount();
        try (Dataset train = MlpTrainableTest.blobs(300, 1); Dataset validation = MlpTrainableTest.blobs(60, 2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.1))).trainable(unbindable)
                    .data(train, validation).strategy(Strategy.grid(1)).objective(Objective.maximize("accuracy"))
                    .executor(LocalExecutor.cpus(2)).progress(false).run());
            assertTrue(e.getMessage().contains("trainable unbindable.onDevice(cpu:0) threw")
                && e.getMessage().contains("no such device here") && e.getMessage().contains("did not start"),
                e.getMessage());
        }
        assertTrue(Thread.activeCount() <= threadsBefore + 1, "no worker threads were left running");
    }

    /**
     * {@link MlpTrainable} (under its name) whose passes on worker 0's thread take {@code millis}
     * longer: a device slower than the others, costing no CPU. (A trial's state hops between
     * workers by reference, so the thread that runs the pass decides, not the worker that made it.)
     */
    static final class FirstWorkerSlowed extends org.cerebro.testing.DelayedMlp {
        FirstWorkerSlowed(long millis) {
            super(new MlpTrainable().name(),
                () -> Thread.currentThread().getName().equals("cerebro-worker-0") ? millis : 0);
        }
    }

    @Test
    void everyWorkerServesEveryPartitionSoASlowWorkerRunsFewerUnitsAndResultsStayTheSame() {
        try (Dataset train = MlpTrainableTest.blobs(300, 1); Dataset validation = MlpTrainableTest.blobs(60, 2)) {
            SearchResult expected = search(train, validation, 4).executor(new SequentialExecutor()).progress(false).run();
            LocalExecutor everywhere = LocalExecutor.cpus(2);
            assertEquals(2, everywhere.replicas(), "by default every worker serves every partition");
            // arrival order: random search's decisions do not depend on it, and the fast worker does
            // not wait for the slow one's outcome to be released before the next epoch is granted
            SearchResult shared = search(train, validation, 4, new FirstWorkerSlowed(40))
                .executor(everywhere).arrivalOrder().progress(false).run();
            assertEquals(expected.trials(), shared.trials(), "the fixed visit order: the same results");
            long slow = shared.units().stream().filter(u -> u.worker() == 0).count();
            long fast = shared.units().stream().filter(u -> u.worker() == 1).count();
            assertEquals(6 * 2 * 3, slow + fast);
            // worker 0 sleeps 40 ms per unit, worker 1 trains one in about a millisecond
            assertTrue(slow * 2 < fast, "the slowed worker ran " + slow + " units, the other " + fast);
            assertTrue(shared.explain().contains("per worker (units, busy): 0: " + slow + ", "), shared.explain());
            assertTrue(shared.explain().contains("; 1: " + fast + ", "), shared.explain());

            LocalExecutor pinned = LocalExecutor.cpus(2).replicas(1);
            assertTrue(pinned.name().contains("replicas=1"), pinned.name());
            SearchResult paper = search(train, validation, 4, new FirstWorkerSlowed(1))
                .executor(pinned).progress(false).run();
            assertEquals(expected.trials(), paper.trials());
            paper.units().forEach(u -> assertEquals(u.partition() % 2, u.worker(), "partition " + u.partition()
                + " lives on worker " + u.partition() % 2 + " only: " + u));
        }
    }

    @Test
    void explainGivesEachWorkersUnitsAndBeyondEightWorkersTheirRange() {
        try (Dataset train = MlpTrainableTest.blobs(300, 1); Dataset validation = MlpTrainableTest.blobs(60, 2)) {
            // 18 trials in hand: each of the 9 workers gets units from the first dispatch on
            SearchResult nine = Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3)))
                .trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.random(20, 2))
                .objective(Objective.maximize("accuracy")).seed(5).partitions(3).executor(LocalExecutor.cpus(9))
                .progress(false).run();
            java.util.Map<Integer, Long> units = nine.units().stream().collect(java.util.stream.Collectors.groupingBy(
                org.cerebro.exec.UnitRecord::worker, java.util.stream.Collectors.counting()));
            assertEquals(9, units.size(), "every worker ran units");
            long least = java.util.Collections.min(units.values());
            long most = java.util.Collections.max(units.values());
            assertTrue(nine.explain().contains("per worker (units, busy): " + units.size() + " workers, " + least + "-"
                + most + " units and "), nine.explain());
        }
    }
}
