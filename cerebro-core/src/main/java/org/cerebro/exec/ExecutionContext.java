package org.cerebro.exec;

import java.util.List;
import java.util.Objects;
import org.cerebro.data.Dataset;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;

/**
 * What a transport needs to run a search's units.
 *
 * @param trainable  what to train
 * @param data       the data's shape
 * @param partitions the training partitions, disjoint; every trial visits each once per epoch
 * @param validation the validation data an epoch's last unit evaluates on
 * @param placement  which workers must hold which partitions
 * @param journal    where a worker checkpoints a trial's state after a unit when the journal is
 *                   {@linkplain UnitJournal#durable() durable} (on the worker's thread, so writes
 *                   overlap training)
 */
public record ExecutionContext(Trainable trainable, DataSpec data, List<Dataset> partitions, Dataset validation,
                               Placement placement, UnitJournal journal) {
    /** Copies the partition list and checks the placement covers it. */
    public ExecutionContext {
        Objects.requireNonNull(trainable, "trainable");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(journal, "journal");
        partitions = List.copyOf(partitions);
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("no partitions: expected at least one");
        }
        if (placement.partitions() != partitions.size()) {
            throw new IllegalArgumentException("placement has " + placement.partitions() + " partitions, the data "
                + partitions.size());
        }
    }

    /** The records over all partitions. */
    public long trainingRecords() {
        long total = 0;
        for (Dataset partition : partitions) {
            total += partition.size();
        }
        return total;
    }
}
