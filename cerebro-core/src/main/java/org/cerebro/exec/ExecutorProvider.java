package org.cerebro.exec;

/**
 * Makes executors of one kind; registered through
 * {@code META-INF/services/org.cerebro.exec.ExecutorProvider} so that the core finds executors
 * without depending on their modules.
 */
public interface ExecutorProvider {
    /** The kind's name, e.g. "local". */
    String name();

    /** An executor with {@code workers} workers. */
    Executor create(int workers);

    /** An executor sized to this machine. */
    Executor createDefault();
}
