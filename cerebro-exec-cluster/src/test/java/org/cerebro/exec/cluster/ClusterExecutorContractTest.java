package org.cerebro.exec.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cerebro.exec.Executor;
import org.cerebro.exec.ExecutorContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cluster executor on real worker JVMs passes the executor contract: the contract asks for 2
 * workers, and gets 2 of the 3 started (the fault tests cover replicas on 3).
 */
class ClusterExecutorContractTest extends ExecutorContract {
    private static Path root;
    private static WorkerProcesses workers;

    @BeforeAll
    static void startWorkers() throws Exception {
        root = Files.createTempDirectory("cerebro-cluster-contract");
        workers = WorkerProcesses.start(root, 3);
    }

    @AfterAll
    static void stopWorkers() throws Exception {
        if (workers != null) {
            workers.close();
        }
    }

    @Override
    protected Executor newExecutor(int count) {
        return ClusterExecutor.connect(java.util.Arrays.copyOf(workers.addresses(), Math.min(count, 3)))
            .secret(WorkerProcesses.SECRET);
    }
}
