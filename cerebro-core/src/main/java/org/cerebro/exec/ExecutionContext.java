package org.cerebro.exec;

import java.util.List;
import org.cerebro.data.Dataset;
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
 */
public record ExecutionContext(Trainable trainable, DataSpec data, List<Dataset> partitions, Dataset validation,
                               long seed) {
    /** Copies the partition list. */
    public ExecutionContext {
        partitions = List.copyOf(partitions);
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("no partitions: expected at least one");
        }
    }
}
