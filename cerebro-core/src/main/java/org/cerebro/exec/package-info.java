/**
 * The transport SPI: an {@link org.cerebro.exec.Executor} knows its workers, starts a
 * {@link org.cerebro.exec.UnitWork} on one, and reports a {@link org.cerebro.exec.WorkerEvent};
 * the runtime kernel does the rest. {@link org.cerebro.exec.UnitRunner} is how a worker in any
 * transport runs a unit. {@link org.cerebro.exec.SequentialExecutor} runs units in the calling
 * thread, so a search runs with {@code cerebro-core} alone: the path for downstream unit tests
 * and JShell. Executors are found by name through {@link org.cerebro.exec.ExecutorProvider}s.
 */
package org.cerebro.exec;
