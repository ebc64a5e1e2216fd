package org.cerebro.exec.local;

import org.cerebro.exec.Executor;
import org.cerebro.exec.ExecutorContract;

/** The local executor, with CPU workers, passes the executor contract. */
class LocalExecutorContractTest extends ExecutorContract {
    @Override
    protected Executor newExecutor(int workers) {
        return LocalExecutor.cpus(workers);
    }
}
