package org.cerebro;

import java.util.List;
import org.cerebro.space.Config;

/**
 * One trial of a finished search: its config, every epoch's metrics, how it ended and its
 * provenance. Immutable.
 *
 * @param trialId    its id, in order of starting
 * @param config     its hyperparameters
 * @param status     how it ended
 * @param epochs     its epochs, in order
 * @param failure    why it failed, or null
 * @param provenance what reproduces it
 * @param test       its metrics on the search's held-out test set ({@code SearchBuilder.test}),
 *                   measured once after the search for the best trials only; null for the others
 */
public record TrialResult(int trialId, Config config, TrialStatus status, List<EpochRecord> epochs, String failure,
                          Provenance provenance, org.cerebro.train.Metrics test) {
    /** Copies the epochs. */
    public TrialResult {
        epochs = List.copyOf(epochs);
    }

    /** Epochs completed. */
    public int epochsCompleted() {
        return epochs.size();
    }

    /** The score of its last epoch, or negative infinity when it completed none. */
    public double finalScore() {
        return epochs.isEmpty() ? Double.NEGATIVE_INFINITY : epochs.get(epochs.size() - 1).score();
    }

    /** Its last epoch, or null when it completed none. */
    public EpochRecord lastEpoch() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    /** This result with its test-set metrics. */
    public TrialResult withTest(org.cerebro.train.Metrics testMetrics) {
        return new TrialResult(trialId, config, status, epochs, failure, provenance, testMetrics);
    }

    /** One short line: id, status, epochs, last validation loss and accuracy, test accuracy, config. */
    @Override
    public String toString() {
        EpochRecord last = lastEpoch();
        return String.format(java.util.Locale.ROOT, "trial %d %s %d epoch(s)%s%s {%s}%s", trialId, status, epochs.size(),
            last == null ? "" : String.format(java.util.Locale.ROOT, " loss=%.4g accuracy=%.4f", last.metrics().loss(),
                last.metrics().accuracy()),
            test == null ? "" : String.format(java.util.Locale.ROOT, " test accuracy=%.4f", test.accuracy()),
            config.canonical(), failure == null ? "" : " failed: " + failure);
    }
}
