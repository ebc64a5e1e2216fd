package org.cerebro.runtime;

/**
 * One unit of work: train {@code trial} for one pass over {@code partition} during {@code epoch},
 * on {@code worker}.
 *
 * @param trial     the trial
 * @param epoch     the epoch, 1-based
 * @param partition the partition
 * @param worker    the worker that runs it
 */
public record Unit(int trial, int epoch, int partition, int worker) {
}
