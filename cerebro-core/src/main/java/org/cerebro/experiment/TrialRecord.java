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
 * @param startConfig    the config it started with, every value with its type
 * @param config         its config now: another after it took over a trial's state (population-based training)
 * @param trialSeed      its seed
 * @param status         running, completed, stopped or failed
 * @param epochsDone     epochs completed
 * @param partitionsDone partitions of the next epoch visited so far, in order
 * @param lossSum        their summed training loss times records
 * @param unitsDone      units of this trial made durable, over all runs
 * @param checkpoint     its state after the last of them, or null before its first unit
 * @param history        every completed epoch's outcome, with its visit order
 * @param adoption       the latest takeover of another trial's state, or null
 */
record TrialRecord(long seq, int trialId, Config startConfig, Config config, long trialSeed, String status,
                   int epochsDone, List<Integer> partitionsDone, double lossSum, long unitsDone, Checkpoint checkpoint,
                   List<EpochOutcome> history, Adoption adoption) {
    static final String RUNNING = "running";

    /**
     * The trial took over trial {@code sourceId}'s state at the end of epoch {@code epoch}.
     *
     * @param sourceId the trial whose state it took
     * @param epoch    the epochs both had completed
     */
    record Adoption(int sourceId, int epoch) {
    }

    TrialRecord {
        partitionsDone = List.copyOf(partitionsDone);
        history = List.copyOf(history);
    }

    /** A trial that has just started. */
    static TrialRecord started(int trialId, Config config, long trialSeed) {
        return new TrialRecord(0, trialId, config, config, trialSeed, RUNNING, 0, List.of(), 0, 0, null, List.of(),
            null);
    }

    /** This record after {@code unit}; an epoch's last unit closes the epoch. */
    TrialRecord after(CompletedUnit unit, long trainingRecords) {
        if (unit.metrics() == null) {
            return new TrialRecord(seq + 1, trialId, startConfig, config, trialSeed, status, epochsDone,
                unit.partitionsDone(), unit.lossSum(), unitsDone + 1, unit.checkpoint(), history, adoption);
        }
        List<EpochOutcome> longer = new ArrayList<>(history);
        longer.add(new EpochOutcome(trialId, unit.record().epoch(), unit.metrics(), unit.lossSum() / trainingRecords,
            null, unit.partitionsDone()));
        return new TrialRecord(seq + 1, trialId, startConfig, config, trialSeed, status, epochsDone + 1, List.of(), 0,
            unitsDone + 1, unit.checkpoint(), longer, adoption);
    }

    /** This record with another status. */
    TrialRecord withStatus(String newStatus) {
        return new TrialRecord(seq + 1, trialId, startConfig, config, trialSeed, newStatus, epochsDone, partitionsDone,
            lossSum, unitsDone, checkpoint, history, adoption);
    }

    /** This record, at an epoch's end, after taking over {@code adopted}'s state as {@code state} with {@code newConfig}. */
    TrialRecord adopted(Adoption adopted, Config newConfig, Checkpoint state) {
        return new TrialRecord(seq + 1, trialId, startConfig, newConfig, trialSeed, status, epochsDone, List.of(), 0,
            unitsDone, state, history, adopted);
    }

    /** This record written as {@code newSeq} (to land on a given catalog slot). */
    TrialRecord withSeq(long newSeq) {
        return new TrialRecord(newSeq, trialId, startConfig, config, trialSeed, status, epochsDone, partitionsDone,
            lossSum, unitsDone, checkpoint, history, adoption);
    }
}
