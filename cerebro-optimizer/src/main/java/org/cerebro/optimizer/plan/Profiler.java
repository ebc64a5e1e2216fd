package org.cerebro.optimizer.plan;

import java.time.Instant;
import org.cerebro.data.Dataset;
import org.cerebro.plan.ModelProfile;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * Measures a model: two warm-up passes over a small sample, then timed passes until at least
 * {@code minSeconds} have gone by (at most {@code maxPasses}), and one timed evaluation. Works for
 * any {@link Trainable}. Thread-safe: stateless.
 */
public final class Profiler {
    private final double minSeconds;
    private final int maxPasses;

    /** A profiler that times at least {@code minSeconds}, in at most {@code maxPasses} passes. */
    public Profiler(double minSeconds, int maxPasses) {
        if (!(minSeconds > 0) || maxPasses < 1) {
            throw new IllegalArgumentException("minSeconds=" + minSeconds + " maxPasses=" + maxPasses + " expected > 0 and >= 1");
        }
        this.minSeconds = minSeconds;
        this.maxPasses = maxPasses;
    }

    /** The key a profile is cached under: trainable, config, device kind. */
    public static String key(Trainable trainable, Config config, String device) {
        return trainable.name() + " {" + config.canonical() + "} on " + device;
    }

    /** Profiles {@code config} of {@code trainable} on {@code sample}. */
    public ModelProfile profile(Trainable trainable, Config config, DataSpec data, Dataset sample, String device) {
        try (TrainableState state = trainable.init(config, 0, data)) {
            state.trainPass(sample); // warm-up: JIT, native kernels, allocator
            state.trainPass(sample);
            long start = System.nanoTime();
            long samples = 0;
            int passes = 0;
            while (passes < maxPasses && (passes == 0 || System.nanoTime() - start < minSeconds * 1e9)) {
                state.trainPass(sample);
                samples += sample.size();
                passes++;
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            long evalStart = System.nanoTime();
            state.evaluate(sample);
            double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
            return new ModelProfile(key(trainable, config, device), trainSeconds / samples, evalSeconds / sample.size(),
                state.toBytes().length, Instant.now(), "measured now (" + passes + " passes over " + sample.size()
                + " records)");
        }
    }
}
