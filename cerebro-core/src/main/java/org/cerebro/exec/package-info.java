/**
 * The executor SPI: an {@link org.cerebro.exec.Executor} trains trials epoch by epoch on the
 * partitions it is given and reports each epoch's outcome; it knows nothing of strategies.
 * {@link org.cerebro.exec.SequentialExecutor} runs everything in the calling thread, so a search
 * runs with {@code cerebro-core} alone: the path for downstream unit tests and JShell.
 */
package org.cerebro.exec;
