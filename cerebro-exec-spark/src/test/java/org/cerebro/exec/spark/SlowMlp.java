package org.cerebro.exec.spark;

import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * The pure-Java MLP with a pass that takes at least {@link #PASS_MILLIS}: long enough that a test
 * can kill an executor while a unit runs on it. A named class, so executors build it by name.
 */
public final class SlowMlp implements Trainable {
    static final long PASS_MILLIS = 400;
    private final MlpTrainable inner = new MlpTrainable();

    @Override
    public String name() {
        return "slow-mlp";
    }

    @Override
    public TrainableState init(Config config, long seed, DataSpec data) {
        return new Slow(inner.init(config, seed, data));
    }

    @Override
    public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
        return new Slow(inner.restore(config, data, bytes));
    }

    private record Slow(TrainableState inner) implements TrainableState {
        @Override
        public double trainPass(Dataset partition) {
            try {
                Thread.sleep(PASS_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return inner.trainPass(partition);
        }

        @Override
        public Metrics evaluate(Dataset validation) {
            return inner.evaluate(validation);
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
}
