package org.cerebro.testing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * The pure-Java MLP whose passes take longer: results depend only on the config and the data,
 * timing on the delay. The variants are named classes with no-argument constructors, so workers in
 * other processes (cluster daemons, Spark executors) build them by name.
 */
public class DelayedMlp implements Trainable {
    private final MlpTrainable inner = new MlpTrainable();
    private final String name;
    private final LongSupplier delayMillis;

    protected DelayedMlp(String name, LongSupplier delayMillis) {
        this.name = name;
        this.delayMillis = delayMillis;
    }

    /** Passes 400 ms longer: long enough to kill a worker while a unit runs on it. */
    public static final class Slow extends DelayedMlp {
        /** The delay of each pass. */
        public static final long MILLIS = 400;

        public Slow() {
            super("slow-mlp", () -> MILLIS);
        }
    }

    /** Passes a random 0-15 ms longer: workers finish in a different order every run. */
    public static final class Jittery extends DelayedMlp {
        public Jittery() {
            super("jittery-mlp", () -> ThreadLocalRandom.current().nextInt(16));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TrainableState init(Config config, long seed, DataSpec data) {
        return new Delayed(inner.init(config, seed, data));
    }

    @Override
    public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
        return new Delayed(inner.restore(config, data, bytes));
    }

    private final class Delayed extends ForwardingState {
        Delayed(TrainableState state) {
            super(state);
        }

        @Override
        public double trainPass(Dataset partition) {
            try {
                Thread.sleep(delayMillis.getAsLong());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while training", e);
            }
            return super.trainPass(partition);
        }
    }
}
