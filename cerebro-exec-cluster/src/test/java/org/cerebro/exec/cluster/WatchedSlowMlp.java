package org.cerebro.exec.cluster;

import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.testing.ForwardingState;
import org.cerebro.train.DataSpec;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * The pure-Java MLP whose passes wait 400 ms before they read their partition, and say on the
 * worker's output when that partition was closed under them (a worker process builds it by name).
 */
public final class WatchedSlowMlp implements Trainable {
    /** What the worker prints when a pass finds its partition closed. */
    static final String CLOSED = "partition closed under a running unit";

    private final MlpTrainable inner = new MlpTrainable();

    @Override
    public String name() {
        return "watched-slow-mlp";
    }

    @Override
    public TrainableState init(Config config, long seed, DataSpec data) {
        return watched(inner.init(config, seed, data));
    }

    @Override
    public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
        return watched(inner.restore(config, data, bytes));
    }

    private static TrainableState watched(TrainableState state) {
        return new ForwardingState(state) {
            @Override
            public double trainPass(Dataset partition) {
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while training", e);
                }
                try {
                    return super.trainPass(partition);
                } catch (RuntimeException e) {
                    System.out.println(CLOSED + ": " + e);
                    System.out.flush();
                    throw e;
                }
            }
        };
    }
}
