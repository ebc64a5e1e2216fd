package org.cerebro.experiment;

import java.util.List;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.space.Config;

/**
 * A trial as an experiment directory recorded it ({@link Experiment#trials()}).
 *
 * @param trialId      the trial
 * @param config       its hyperparameters, every value with its type
 * @param trialSeed    its seed
 * @param status       running, completed, stopped or failed, as the search last recorded it
 * @param epochsDone   epochs it completed
 * @param history      each completed epoch's outcome: validation metrics, training loss, visit order
 * @param checkpointed whether a checkpoint of it exists
 * @param midEpoch     whether that checkpoint is in the middle of an epoch (then its model after
 *                     {@code epochsDone} epochs is gone)
 */
public record RecordedTrial(int trialId, Config config, long trialSeed, String status, int epochsDone,
                            List<EpochOutcome> history, boolean checkpointed, boolean midEpoch) {
    /** Copies the history. */
    public RecordedTrial {
        history = List.copyOf(history);
    }
}
