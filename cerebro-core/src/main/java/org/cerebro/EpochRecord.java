package org.cerebro;

import org.cerebro.train.Metrics;

/**
 * One epoch of a trial.
 *
 * @param epoch     1-based
 * @param score     the objective's score (higher is better)
 * @param trainLoss the mean training loss over the epoch
 * @param metrics   the validation metrics
 */
public record EpochRecord(int epoch, double score, double trainLoss, Metrics metrics) {
}
