package org.cerebro.exec;

import java.util.List;
import org.cerebro.train.Metrics;

/**
 * A unit that ran to its end, as an executor reports it to its {@link UnitJournal}.
 *
 * @param record         the trial, epoch, partition, worker and times
 * @param partitionsDone the partitions the trial has visited this epoch, in order, this one last
 * @param lossSum        the sum over those partitions of mean training loss times records
 * @param metrics        the validation metrics when this unit ended the epoch, else null
 * @param checkpoint     the state after the unit, when the journal is durable, else null
 */
public record CompletedUnit(UnitRecord record, List<Integer> partitionsDone, double lossSum, Metrics metrics,
                            Checkpoint checkpoint) {
    /** Copies the partition list. */
    public CompletedUnit {
        partitionsDone = List.copyOf(partitionsDone);
    }
}
