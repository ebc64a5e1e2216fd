package org.cerebro.optimizer.schedule;

/**
 * One unit of MOP work: train {@code trial} for one pass over {@code partition} during
 * {@code epoch} (0-based within the stage), on {@code worker}.
 *
 * @param trial     the trial's index in the workload
 * @param epoch     the epoch, 0-based
 * @param partition the partition
 * @param worker    the worker that runs it
 */
public record Unit(int trial, int epoch, int partition, int worker) {
}
