package org.cerebro.exec.local;

import org.cerebro.exec.Executor;
import org.cerebro.exec.ExecutorProvider;

/** Registers the local executor as "local": {@code create(n)} gives n CPU workers, the default {@link LocalExecutor#auto()}. */
public final class LocalExecutorProvider implements ExecutorProvider {
    @Override
    public String name() {
        return "local";
    }

    @Override
    public Executor create(int workers) {
        return LocalExecutor.cpus(workers);
    }

    @Override
    public Executor createDefault() {
        return LocalExecutor.auto();
    }
}
