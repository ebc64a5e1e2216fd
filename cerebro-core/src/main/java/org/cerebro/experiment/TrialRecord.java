package org.cerebro.experiment;

import java.util.ArrayList;
import java.util.List;
import org.cerebro.exec.Checkpoint;
import org.cerebro.exec.CompletedUnit;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.space.Config;

/**
 * What the catalog knows of one trial after its latest durable unit. Immutable: each change is
 * a new record with the next {@code seq}.
 *
 * @param seq            increases with every write of this trial's record
 * @param trialId        the trial
 * @param config         its config, every value with its type
 * @param trialSeed      its seed
 * @param status         running, completed, stopped or failed
 * @param epochsDone     epochs completed
 * @param partitionsDone partitions of the next epoch visited so far, in order
 * @param lossSum        their summed training loss times records
 * @param unitsDone      units of this trial made durable, over all runs
 * @param checkpoint     its state after the last of them, or null before its first unit
 * @param history        every completed epoch's outcome, with its visit order
 */
record TrialRecord(long seq, int trialId, Config config, long trialSeed, String status, int epochsDone,
                   List<Integer> partitionsDone, double lossSum, long unitsDone, Checkpoint checkpoint,
                   List<EpochOutcome> history) {
    static final String RUNNING = "running";

    TrialRecord {
        partitionsDone = List.copyOf(partitionsDone);
        history = List.copyOf(history);
    }

    /** A trial that has just started. */
    static TrialRecord started(int trialId, Config config, long trialSeed) {
        return new TrialRecord(0, trialId, config, trialSeed, RUNNING, 0, List.of(), 0, 0, null, List.of());
    }

    /** This record after {@code unit}; an epoch's last unit closes the epoch. */
    TrialRecord after(CompletedUnit unit, long trainingRecords) {
        if (unit.metrics() == null) {
            return new TrialRecord(seq + 1, trialId, config, trialSeed, status, epochsDone, unit.partitionsDone(),
                unit.lossSum(), unitsDone + 1, unit.checkpoint(), history);
        }
        List<EpochOutcome> longer = new ArrayList<>(history);
        longer.add(new EpochOutcome(trialId, unit.record().epoch(), unit.metrics(), unit.lossSum() / trainingRecords,
            null, unit.partitionsDone()));
        return new TrialRecord(seq + 1, trialId, config, trialSeed, status, epochsDone + 1, List.of(), 0,
            unitsDone + 1, unit.checkpoint(), longer);
    }

    /** This record with another status. */
    TrialRecord withStatus(String newStatus) {
        return new TrialRecord(seq + 1, trialId, config, trialSeed, newStatus, epochsDone, partitionsDone, lossSum,
            unitsDone, checkpoint, history);
    }
}
