package org.cerebro.exec.local;

import org.cerebro.exec.Executor;
import org.cerebro.exec.ExecutorContract;
import org.cerebro.plan.Operator;

/** The local executor running task parallelism passes the executor contract too. */
class LocalExecutorTaskParallelContractTest extends ExecutorContract {
    @Override
    protected Executor newExecutor(int workers) {
        return LocalExecutor.cpus(workers);
    }

    @Override
    protected Operator operator() {
        return Operator.TASK_PARALLEL;
    }
}
