package org.cerebro.plan;

/**
 * How the machine's cores are split into intra-op threads for the workers of this process, as the
 * planner chose it by measurement: {@code Trainable.configureWorkers(configureFor)} gives each of
 * the workers {@code threads} threads. Splitting the cores evenly is not always fastest: a small
 * model on one worker can train faster on one thread than on two.
 *
 * @param configureFor the argument for {@code configureWorkers} (the workers the cores are split between)
 * @param threads      intra-op threads per worker, as that split gives them (cores / configureFor, at least 1)
 * @param note         what was measured, for EXPLAIN
 */
public record ThreadChoice(int configureFor, int threads, String note) {
    /** Validates. */
    public ThreadChoice {
        if (configureFor < 1 || threads < 1) {
            throw new IllegalArgumentException("configureFor=" + configureFor + " threads=" + threads + " expected >= 1");
        }
    }

    /** The even split between {@code workers} workers, not measured. */
    public static ThreadChoice even(int workers, String why) {
        return new ThreadChoice(workers, Math.max(1, Runtime.getRuntime().availableProcessors() / workers), why);
    }
}
