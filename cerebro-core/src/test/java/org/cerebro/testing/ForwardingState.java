package org.cerebro.testing;

import org.cerebro.data.Dataset;
import org.cerebro.train.Metrics;
import org.cerebro.train.TrainableState;

/**
 * A trainable state that passes every call to another; a test overrides the one it changes (a
 * pass that sleeps, diverges or counts) instead of writing the other four again.
 */
public class ForwardingState implements TrainableState {
    private final TrainableState inner;

    public ForwardingState(TrainableState inner) {
        this.inner = inner;
    }

    @Override
    public double trainPass(Dataset partition) {
        return inner.trainPass(partition);
    }

    @Override
    public Metrics evaluate(Dataset validation) {
        return inner.evaluate(validation);
    }

    @Override
    public int[] predict(Dataset data) {
        return inner.predict(data);
    }

    @Override
    public byte[] toBytes() {
        return inner.toBytes();
    }

    @Override
    public void close() {
        inner.close();
    }
}
