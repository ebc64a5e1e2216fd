package org.cerebro.exec;

import java.util.List;
import java.util.Objects;
import org.cerebro.data.Dataset;
import org.cerebro.plan.Operator;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;

/**
 * What an executor needs to run a search's units.
 *
 * @param trainable  what to train
 * @param data       the data's shape
 * @param partitions the training partitions, disjoint; every trial visits each once per epoch
 * @param validation the validation data every epoch is evaluated on
 * @param seed       the search seed (visit orders derive from it)
 * @param operator   the physical operator to run, one of the executor's {@link Executor#operators()}
 * @param journal    where every completed unit is reported before it counts as done
 */
public record ExecutionContext(Trainable trainable, DataSpec data, List<Dataset> partitions, Dataset validation,
                               long seed, Operator operator, UnitJournal journal) {
    /** Copies the partition list. */
    public ExecutionContext {
        partitions = List.copyOf(partitions);
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("no partitions: expected at least one");
        }
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(journal, "journal");
    }

    /** A context for model hopper parallelism with no journal. */
    public ExecutionContext(Trainable trainable, DataSpec data, List<Dataset> partitions, Dataset validation,
                            long seed) {
        this(trainable, data, partitions, validation, seed, Operator.MOP, UnitJournal.NONE);
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
