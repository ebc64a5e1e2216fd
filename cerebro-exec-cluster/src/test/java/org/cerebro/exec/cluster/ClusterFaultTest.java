package org.cerebro.exec.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.RunningSearch;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchListener;
import org.cerebro.SearchResult;
import org.cerebro.TrialStatus;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Executor;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.exec.UnitRecord;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.testing.TestData;
import org.cerebro.train.MlpTrainable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker faults on a real cluster of 3 worker JVMs running an MNIST search: one killed with
 * SIGKILL mid-epoch (the search finishes with the fault-free results), one that comes back on its
 * work directory (it rejoins without being sent its partitions again).
 */
class ClusterFaultTest {
    private static final int PARTITIONS = 4;

    static SearchBuilder search(Dataset train, Dataset validation, Executor executor) {
        return search(train, validation, executor, new MlpTrainable());
    }

    static SearchBuilder search(Dataset train, Dataset validation, Executor executor,
                                org.cerebro.train.Trainable trainable) {
        return Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.05, 0.1), HParam.choice("hidden", 0, 32)))
            .trainable(trainable).data(train, validation).strategy(Strategy.grid(3))
            .objective(Objective.maximize("accuracy")).seed(7).partitions(PARTITIONS).executor(executor)
            .progress(false);
    }

    static Dataset train(Path data) {
        return TestData.mnistTrain(data).head(6_000);
    }

    static Dataset validation(Path data) {
        return TestData.mnistTest(data).head(2_000);
    }

    /** Runs the search, calling {@code atUnit} on the driver thread after {@code units} units. */
    private static SearchResult runWith(SearchBuilder builder, int units, Runnable atUnit) throws Exception {
        AtomicInteger done = new AtomicInteger();
        AtomicReference<RunningSearch> handle = new AtomicReference<>();
        handle.set(builder.listener(new SearchListener() {
            @Override
            public void unitDone(UnitRecord unit, int partitions) {
                if (done.incrementAndGet() == units) {
                    atUnit.run();
                }
            }
        }).build().start());
        return handle.get().await(Duration.ofMinutes(5));
    }

    @Test
    void aWorkerKilledMidEpochLosesNothingAndTheResultsMatchAFaultFreeRun(@TempDir Path tmp) throws Exception {
        Path data = TestData.dir();
        try (Dataset train = train(data); Dataset validation = validation(data);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 3)) {
            SearchResult faultFree = search(train, validation, new SequentialExecutor()).run();
            ClusterExecutor executor = ClusterExecutor.connect(workers.addresses()).secret(WorkerProcesses.SECRET);
            // 7 units: not a multiple of the 4 partitions, so some trial is mid-epoch
            SearchResult result = runWith(search(train, validation, executor), 7, () -> {
                try {
                    workers.kill(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertFalse(workers.process(1).isAlive());
            result.trials().forEach(t -> assertEquals(TrialStatus.COMPLETED, t.status(), t.toString()));
            result.trials().forEach(t -> assertEquals(3, t.epochsCompleted(), t.toString()));
            assertEquals(faultFree.trials(), result.trials(), "results equal the fault-free run's");
            // every (trial, epoch, partition) completed exactly once: the lost unit was re-run, nothing twice
            assertEquals(4 * 3 * PARTITIONS, result.unitsRun());
            assertEquals(4 * 3 * PARTITIONS, result.units().stream()
                .map(u -> u.trialId() + "/" + u.epoch() + "/" + u.partition()).distinct().count());
            assertTrue(result.units().stream().skip(8).noneMatch(u -> u.worker() == 1),
                "nothing completes on the dead worker after the kill");
        }
    }

    @Test
    void aWorkerThatComesBackOnItsWorkDirRejoinsWithoutItsDataBeingSentAgain(@TempDir Path tmp) throws Exception {
        Path data = TestData.dir();
        try (Dataset train = train(data); Dataset validation = validation(data);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 3)) {
            SearchResult faultFree = search(train, validation, new SequentialExecutor()).run();
            String address = workers.address(2);
            ClusterExecutor executor = ClusterExecutor.connect(workers.addresses()).secret(WorkerProcesses.SECRET)
                .heartbeatTimeout(Duration.ofSeconds(1));
            AtomicInteger restarted = new AtomicInteger(-1);
            SearchResult result = runWith(search(train, validation, executor), 5, () -> {
                try {
                    workers.kill(2);
                    restarted.set(workers.startOne(workers.workDir(2), address)); // same port, same work dir
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(faultFree.trials(), result.trials());
            int back = restarted.get();
            String log = workers.log(back);
            assertTrue(log.contains("authenticated"), "the coordinator reconnected: " + log);
            assertFalse(log.contains("received partition"), "its partitions were still in its work dir: " + log);
            // the kill came after 5 units; a unit on worker 2 after those (and one reply in flight)
            // can only come from the restarted process
            assertTrue(result.units().stream().skip(7).anyMatch(u -> u.worker() == 2),
                "the rejoined worker trains again: " + result.units());
        }
    }

    @Test
    void aFrozenWorkerIsDroppedByHeartbeatAndItsUnitRunsOnAReplica(@TempDir Path tmp) throws Exception {
        Path data = TestData.dir();
        try (Dataset train = train(data); Dataset validation = validation(data);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 3)) {
            SearchResult faultFree = search(train, validation, new SequentialExecutor()).run();
            ClusterExecutor executor = ClusterExecutor.connect(workers.addresses()).secret(WorkerProcesses.SECRET)
                .heartbeatTimeout(Duration.ofMillis(1_500));
            long pid = workers.process(0).pid();
            // SIGSTOP: the process and its sockets stay up but nothing answers, as with a hung or
            // unreachable host; only the heartbeat can tell
            SearchResult result = runWith(search(train, validation, executor), 6, () -> WorkerProcesses.signal("STOP", pid));
            try {
                // finishing at all proves the drop: the frozen worker's unit (or the next one the
                // scheduler gives it) never completes, so only a re-queue lets the search end
                assertEquals(faultFree.trials(), result.trials(), "results equal the fault-free run's");
                assertEquals(4 * 3 * PARTITIONS, result.units().stream()
                    .map(u -> u.trialId() + "/" + u.epoch() + "/" + u.partition()).distinct().count());
                assertEquals(4 * 3 * PARTITIONS, result.unitsRun(), "no unit completed twice");
            } finally {
                WorkerProcesses.signal("CONT", pid);
            }
        }
    }
}
