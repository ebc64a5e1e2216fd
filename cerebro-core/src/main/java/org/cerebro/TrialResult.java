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
 */
public record TrialResult(int trialId, Config config, TrialStatus status, List<EpochRecord> epochs, String failure,
                          Provenance provenance) {
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
}
