package org.cerebro.exec.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Executor;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers of different speeds: a real worker process throttled from outside (SIGSTOP 40 ms,
 * SIGCONT 10 ms, over and over: a fifth of its speed, as a CPU quota would leave it), nothing in
 * the trainable knowing. With each partition on both workers, the fast one takes the units the
 * slow one cannot, and the fixed visit order keeps the results those of a sequential run.
 */
class ClusterHeterogeneityTest {
    private static SearchBuilder search(Dataset train, Dataset validation, Executor executor) {
        return Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.01, 0.2), HParam.choice("hidden", 8, 16)))
            .trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.random(8, 2))
            .objective(Objective.maximize("accuracy")).seed(3).partitions(2).executor(executor).progress(false);
    }

    @Test
    void aThrottledWorkerRunsFewerUnitsWhenItsPartitionsAlsoLiveOnTheOtherAndResultsStayTheSame(@TempDir Path tmp)
        throws Exception {
        try (Dataset train = ClusterHardeningTest.wide(4_000, 100, 1);
             Dataset validation = ClusterHardeningTest.wide(500, 100, 2);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 2)) {
            var expected = search(train, validation, new SequentialExecutor()).run().trials();
            long pid = workers.process(0).pid();
            AtomicBoolean throttling = new AtomicBoolean(true);
            Thread throttle = new Thread(() -> {
                try {
                    while (throttling.get()) {
                        WorkerProcesses.signal("STOP", pid);
                        Thread.sleep(40);
                        WorkerProcesses.signal("CONT", pid);
                        Thread.sleep(10);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    WorkerProcesses.signal("CONT", pid);
                }
            }, "throttle-worker-0");
            SearchResult result;
            try {
                throttle.start();
                // arrival order: random search decides nothing from it, and the fast worker does not
                // wait for the throttled one's outcome to be released before its next epoch
                result = search(train, validation, ClusterExecutor.connect(workers.addresses())
                    .secret(WorkerProcesses.SECRET).replicas(2).heartbeatTimeout(Duration.ofSeconds(5)))
                    .arrivalOrder().run();
            } finally {
                throttling.set(false);
                throttle.join();
            }
            assertEquals(expected, result.trials(), "the fixed visit order: the same results on any worker");
            long slow = result.units().stream().filter(u -> u.worker() == 0).count();
            long fast = result.units().stream().filter(u -> u.worker() == 1).count();
            assertEquals(8 * 2 * 2, slow + fast);
            assertTrue(slow * 2 < fast, "the throttled worker ran " + slow + " units, the other " + fast);
        }
    }
}
