package org.cerebro.exec;

/** The sequential executor passes the executor contract. */
class SequentialExecutorContractTest extends ExecutorContract {
    @Override
    protected Executor newExecutor(int workers) {
        return new SequentialExecutor();
    }
}
