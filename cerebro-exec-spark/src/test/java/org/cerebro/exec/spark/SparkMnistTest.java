package org.cerebro.exec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkContext;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchListener;
import org.cerebro.SearchResult;
import org.cerebro.TrialStatus;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.exec.Executor;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.exec.UnitRecord;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.testing.DelayedMlp;
import org.cerebro.testing.TestData;
import org.cerebro.train.Trainable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Searches over MNIST on a real local cluster (two executor JVMs). A DJL/PyTorch search gives the
 * same per-trial results as the local executor with the same seed and partitions. An executor JVM killed with SIGKILL while a unit runs on it costs that unit only: Spark runs its
 * task again elsewhere, the partition is loaded there from its broadcast, and the search ends
 * with the results of a fault-free run.
 */
class SparkMnistTest {
    private static final int PARTITIONS = 2;
    private static SparkContext spark;

    @AfterAll
    static void stopCluster() {
        if (spark != null) {
            spark.stop();
        }
    }

    @BeforeAll
    static void cluster() {
        spark = LocalSparkCluster.start("cerebro-mnist");
    }

    static SearchBuilder search(Dataset train, Dataset validation, Trainable trainable, Executor executor) {
        return Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.05, 0.1), HParam.choice("hidden", 0, 32)))
            .trainable(trainable).data(train, validation).strategy(Strategy.grid(2))
            .objective(Objective.maximize("accuracy")).seed(7).partitions(PARTITIONS).executor(executor)
            .progress(false);
    }

    static Dataset train(Path data) {
        return TestData.mnistTrain(data).head(4_000);
    }

    static Dataset validation(Path data) {
        return TestData.mnistTest(data).head(1_000);
    }

    /** The executor JVMs of this application on this machine, by executor id. */
    static ProcessHandle executorProcess(String executorId) {
        List<ProcessHandle> found = ProcessHandle.allProcesses().filter(p -> {
            String line = commandLine(p);
            return line.contains("CoarseGrainedExecutorBackend") && line.contains(spark.applicationId())
                && line.contains("--executor-id " + executorId + " ");
        }).toList();
        assertEquals(1, found.size(), "one JVM runs executor " + executorId + " of " + spark.applicationId() + ": "
            + ProcessHandle.allProcesses().map(SparkMnistTest::commandLine)
                .filter(line -> line.contains("CoarseGrainedExecutorBackend")).toList());
        return found.get(0);
    }

    /** The whole command line (ProcessHandle.Info cuts long ones short): Linux's /proc. */
    private static String commandLine(ProcessHandle process) {
        try {
            return new String(java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (java.io.IOException e) {
            return ""; // gone, or not ours to read
        }
    }

    @Test
    void anExecutorKilledMidUnitCostsThatUnitOnlyAndTheResultsMatchAFaultFreeRun() throws Exception {
        Path data = TestData.dir();
        try (Dataset train = train(data); Dataset validation = validation(data)) {
            SearchResult faultFree = search(train, validation, new DelayedMlp.Slow(), new SequentialExecutor()).run();
            SparkExecutor executor = SparkExecutor.on(spark).workers(2);
            AtomicInteger done = new AtomicInteger();
            AtomicReference<ProcessHandle> killed = new AtomicReference<>();
            SearchResult result = search(train, validation, new DelayedMlp.Slow(), executor).listener(new SearchListener() {
                @Override
                public void unitDone(UnitRecord unit, int partitions) {
                    if (done.incrementAndGet() == 5) {
                        // the other worker's unit started at least a job's overhead ago and sleeps DelayedMlp.Slow.MILLIS
                        ProcessHandle victim = executorProcess(unit.worker() == 0 ? "1" : "0");
                        victim.destroyForcibly(); // SIGKILL
                        killed.set(victim);
                    }
                }
            }).build().start().await(Duration.ofMinutes(5));
            assertTrue(killed.get().onExit().get(10, TimeUnit.SECONDS) != null && !killed.get().isAlive());
            result.trials().forEach(t -> assertEquals(TrialStatus.COMPLETED, t.status(), t.toString()));
            assertEquals(faultFree.trials(), result.trials(), "results equal the fault-free run's");
            int units = 4 * 2 * PARTITIONS;
            assertEquals(units, result.unitsRun(), "the kernel saw one completion per unit");
            assertEquals(units, result.units().stream().map(u -> u.trialId() + "/" + u.epoch() + "/" + u.partition())
                .distinct().count());
            assertTrue(executor.tablesReloaded() >= 1, "the killed executor's partition was loaded again elsewhere: "
                + executor.tablesReloaded());
        }
    }

    @Test
    void aDjlSearchGivesTheLocalExecutorsPerTrialResults() {
        Path data = TestData.dir();
        try (Dataset train = Datasets.idx(data.resolve("mnist/train-images-idx3-ubyte.gz"),
                data.resolve("mnist/train-labels-idx1-ubyte.gz")).head(12_000);
             Dataset validation = validation(data)) {
            SearchSpace space = SearchSpace.of(HParam.choice("width", 64, 128), HParam.choice("lr", 1e-3, 3e-3),
                HParam.constant("depth", 1), HParam.constant("batch_size", 64));
            java.util.function.Function<Executor, SearchResult> run = executor -> Cerebro.search(space)
                .trainable(new DjlTrainable(Zoo.mlp())).data(train, validation).strategy(Strategy.grid(2))
                .objective(Objective.maximize("accuracy")).seed(1).partitions(2).executor(executor).progress(false).run();
            SearchResult local = run.apply(LocalExecutor.cpus(2));
            SparkExecutor executor = SparkExecutor.on(spark).workers(2);
            SearchResult onSpark = run.apply(executor);
            assertEquals(local.trials(), onSpark.trials(), "per-trial results equal the local executor's");
            assertTrue(onSpark.best().orElseThrow().lastEpoch().metrics().accuracy() > 0.9, onSpark.leaderboardTable(4));
            assertEquals(0, executor.tablesReloaded(), "no partition was loaded twice without a fault");
        }
    }

    @Test
    void partitionsEvictedFromAnExecutorAreLoadedAgainFromTheirSourceAndTheResultsDoNotChange() {
        Path data = TestData.dir();
        try (Dataset train = train(data); Dataset validation = validation(data)) {
            SearchResult reference = search(train, validation, new org.cerebro.train.MlpTrainable(),
                new SequentialExecutor()).run();
            // a budget of one byte: every table not in use is evicted when the next one loads
            SparkExecutor executor = SparkExecutor.on(spark).workers(2).residentBytes(1);
            SearchResult result = search(train, validation, new org.cerebro.train.MlpTrainable(), executor).run();
            assertEquals(reference.trials(), result.trials());
            assertTrue(executor.tablesReloaded() >= 8, "units loaded their partitions again: " + executor.tablesReloaded());
        }
    }
}
