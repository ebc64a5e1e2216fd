package org.cerebro.train;

import org.cerebro.data.Dataset;

/**
 * The complete training state of one trial: parameters and optimizer state. It trains in
 * sub-epochs, one pass over one partition at a time, so that under model hopper parallelism a trial
 * visiting partitions i1..ip in turn trains exactly as it would over their concatenation.
 *
 * <p>Not thread-safe: owned by one worker at a time; an executor hands it over (or its bytes)
 * with a happens-before edge.
 */
public interface TrainableState extends AutoCloseable {
    /**
     * One pass over {@code partition}, its records in their stored order.
     *
     * @return the mean training loss over the pass (NaN or infinite when training diverged)
     */
    double trainPass(Dataset partition);

    /** Evaluates on {@code validation} without changing the state. */
    Metrics evaluate(Dataset validation);

    /**
     * The class the model predicts for each record of {@code data}, in order, without changing the
     * state. The default throws: a trainable whose models can predict overrides it.
     *
     * @throws UnsupportedOperationException when this trainable's models do not predict
     */
    default int[] predict(Dataset data) {
        throw new UnsupportedOperationException(getClass().getName() + " does not predict: implement"
            + " TrainableState.predict(Dataset)");
    }

    /** The complete state as version-tagged bytes (never Java serialization). */
    byte[] toBytes();

    /** Frees what the state holds (native memory for engine-backed states). */
    @Override
    void close();
}
