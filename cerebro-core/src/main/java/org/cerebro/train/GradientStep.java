package org.cerebro.train;

import org.cerebro.data.Dataset;

/**
 * The capability a {@link TrainableState} has when it can train data-parallel: k replicas of one
 * trial, on k workers, each add up the gradient of their share of a mini-batch, the k sums are
 * summed (an all-reduce), and every replica applies the same update with the total, so they stay
 * identical. A trainable whose states implement it says so with {@link Trainable#dataParallel()}.
 *
 * <p>The contract that makes data-parallel training equal single-worker training (up to the order
 * of float additions): {@link #accumulate} over records {@code [a, c)} adds exactly what
 * accumulating {@code [a, b)} and then {@code [b, c)} adds, and {@code accumulate} over a batch
 * followed by {@link #apply} with its record count is one step of {@link #trainPass} over that
 * batch, bit for bit.
 */
public interface GradientStep {
    /** The mini-batch size of this trial's config: records per optimizer step, over all replicas. */
    int batchSize();

    /** Floats in the flat gradient vector {@link #accumulate} adds to and {@link #apply} takes. */
    int gradientLength();

    /**
     * Adds the gradient of the loss of records {@code [from, to)} of {@code data}, summed over the
     * records (not averaged), to {@code gradient}; the state's parameters do not change.
     *
     * @return the sum of those records' losses
     */
    double accumulate(Dataset data, int from, int to, float[] gradient);

    /**
     * One optimizer step with {@code gradient}, the gradient summed over {@code records} records
     * (over every replica): what {@link TrainableState#trainPass} does after a batch of that many.
     */
    void apply(float[] gradient, int records);
}
