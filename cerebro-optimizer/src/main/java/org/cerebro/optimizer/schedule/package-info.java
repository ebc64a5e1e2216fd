/**
 * Schedules of units (trial, epoch, partition) on workers: partition placement with replicas, the
 * MOP randomized scheduler (free and fixed visit order), task-parallel LPT, the lower bound, and a
 * discrete-event simulator that runs any scheduler against a synthetic cluster without training.
 */
package org.cerebro.optimizer.schedule;
