/**
 * Schedules in the abstract, for the planner and for benchmarks: workloads and clusters of given
 * speeds, the lower bound, task-parallel LPT, and a discrete-event {@link
 * org.cerebro.optimizer.schedule.Simulator} that runs the runtime kernel itself (its MOP and
 * task-parallel unit schedulers) against a synthetic cluster in virtual time, without training.
 */
package org.cerebro.optimizer.schedule;
