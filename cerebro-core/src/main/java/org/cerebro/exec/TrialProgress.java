package org.cerebro.exec;

import java.util.List;
import java.util.Objects;

/**
 * Where a trial resumed from a checkpoint stands: the epochs it completed, the partitions of the
 * next epoch it already visited (in order), their loss sum, and its state after the last of them.
 *
 * @param epochsDone     completed epochs
 * @param partitionsDone partitions of epoch {@code epochsDone + 1} already visited, in order
 * @param lossSum        their mean training loss times records, summed
 * @param state          the trainable's bytes after the last visited partition
 */
public record TrialProgress(int epochsDone, List<Integer> partitionsDone, double lossSum, byte[] state) {
    /** Validates and copies. */
    public TrialProgress {
        if (epochsDone < 0) {
            throw new IllegalArgumentException("epochsDone=" + epochsDone + " expected>=0");
        }
        partitionsDone = List.copyOf(partitionsDone);
        Objects.requireNonNull(state, "state");
    }
}
