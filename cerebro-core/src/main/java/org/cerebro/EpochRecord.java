package org.cerebro;

import org.cerebro.space.Config;
import org.cerebro.train.Metrics;

/**
 * One epoch of a trial.
 *
 * @param epoch     1-based
 * @param score     the objective's score (higher is better)
 * @param trainLoss the mean training loss over the epoch
 * @param metrics   the validation metrics
 * @param config    the hyperparameters the epoch trained with: the trial's own, unless population-based
 *                  training changed them at an earlier epoch
 */
public record EpochRecord(int epoch, double score, double trainLoss, Metrics metrics, Config config) {
}
