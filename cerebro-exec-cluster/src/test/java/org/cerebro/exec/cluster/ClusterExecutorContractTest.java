package org.cerebro.exec.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cerebro.exec.Executor;
import org.cerebro.exec.ExecutorContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The cluster executor on 3 real worker JVMs passes the executor contract. */
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
    protected Executor newExecutor(int ignored) {
        return ClusterExecutor.connect(workers.addresses()).secret(WorkerProcesses.SECRET);
    }
}
