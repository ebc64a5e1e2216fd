package org.cerebro.exec.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchListener;
import org.cerebro.SearchResult;
import org.cerebro.TrialStatus;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Executor;
import org.cerebro.exec.UnitRecord;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.plan.Operator;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel epochs on worker JVMs: the workers sum gradients among themselves with a ring
 * all-reduce over authenticated links; two workers give the local executor's bits; a worker
 * killed in the middle of an epoch costs that epoch, which runs again on the workers left.
 */
class ClusterDataParallelTest {
    private static SearchBuilder search(Dataset train, Dataset validation, Executor executor, Operator operator,
                                        Strategy strategy) {
        return Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.02, 0.05), HParam.constant("hidden", 16),
                HParam.constant("batch_size", 32)))
            .trainable(new MlpTrainable()).data(train, validation).strategy(strategy)
            .objective(Objective.maximize("accuracy")).seed(5).partitions(4).executor(executor).operator(operator)
            .progress(false);
    }

    @Test
    void twoWorkersSumTheirGradientsToTheLocalExecutorsBits(@TempDir Path tmp) throws Exception {
        try (Dataset train = ClusterHardeningTest.wide(2_000, 20, 1); Dataset validation = ClusterHardeningTest.wide(300, 20, 2);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 2)) {
            SearchResult local = search(train, validation, LocalExecutor.cpus(2), Operator.DATA_PARALLEL,
                Strategy.grid(2)).run();
            SearchResult cluster = search(train, validation,
                ClusterExecutor.connect(workers.addresses()).secret(WorkerProcesses.SECRET), Operator.DATA_PARALLEL,
                Strategy.grid(2)).run();
            assertEquals(local.trials(), cluster.trials(), "a ring of two sums each float as shared memory does");
            assertTrue(cluster.units().stream().allMatch(UnitRecord::dataParallel));
            assertEquals(4, cluster.unitsRun());
            assertTrue(workers.log(0).contains("ring link of data-parallel group")
                && workers.log(1).contains("ring link of data-parallel group"), "the workers linked to each other");
            // the hybrid with one trial in hand trains it data-parallel on the cluster too
            SearchResult hybrid = search(train, validation,
                ClusterExecutor.connect(workers.addresses()).secret(WorkerProcesses.SECRET), Operator.HYBRID,
                Strategy.random(1, 2)).run();
            assertTrue(hybrid.units().stream().allMatch(UnitRecord::dataParallel), hybrid.units().toString());
            assertEquals(TrialStatus.COMPLETED, hybrid.trials().get(0).status());
        }
    }

    @Test
    void aWorkerKilledDuringADataParallelEpochCostsThatEpochOnly(@TempDir Path tmp) throws Exception {
        try (Dataset train = ClusterHardeningTest.wide(40_000, 100, 1); // epochs of about half a second
             Dataset validation = ClusterHardeningTest.wide(500, 100, 2);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 3)) {
            ClusterExecutor executor = ClusterExecutor.connect(workers.addresses()).secret(WorkerProcesses.SECRET)
                .heartbeatTimeout(Duration.ofSeconds(2));
            AtomicInteger epochs = new AtomicInteger();
            SearchResult result = search(train, validation, executor, Operator.DATA_PARALLEL, Strategy.random(1, 4))
                .listener(new SearchListener() {
                    @Override
                    public void epochEnded(int trialId, int epoch, org.cerebro.train.Metrics metrics, double score) {
                        if (epochs.incrementAndGet() == 1) {
                            new Thread(() -> { // mid-way through epoch 2
                                try {
                                    Thread.sleep(150);
                                    workers.kill(2);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }).start();
                        }
                    }
                }).build().start().await(Duration.ofMinutes(3));
            assertEquals(TrialStatus.COMPLETED, result.trials().get(0).status(), result.leaderboardTable(1));
            assertEquals(4, result.trials().get(0).epochsCompleted());
            assertTrue(result.warnings().stream().anyMatch(w -> w.startsWith("worker 2 ")
                && w.contains("its data-parallel epoch (trial 0 epoch 2) runs again from the state before it")),
                result.warnings().toString());
            assertTrue(result.units().stream().filter(UnitRecord::dataParallel).anyMatch(u -> u.worker() == 2),
                "worker 2 trained data-parallel before it died");
            assertTrue(result.best().orElseThrow().lastEpoch().metrics().accuracy() > 0.8, result.leaderboardTable(1));
        }
    }
}
