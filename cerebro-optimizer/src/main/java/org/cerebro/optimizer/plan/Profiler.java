package org.cerebro.optimizer.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cerebro.plan.DataParallelProfile;
import org.cerebro.data.Dataset;
import org.cerebro.plan.ModelProfile;
import org.cerebro.plan.ThreadChoice;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * Measures a model: warm-up passes over a small sample, then timed passes until at least
 * {@code minSeconds} have gone by (at most {@code maxPasses}), and a timed evaluation. Works for
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

    /** Profiles {@code config} of {@code trainable} on {@code sample}: {@link #profile(Trainable, List, DataSpec, Dataset, String)} of one. */
    public ModelProfile profile(Trainable trainable, Config config, DataSpec data, Dataset sample, String device) {
        return profile(trainable, List.of(config), data, sample, device).get(0);
    }

    /**
     * Profiles each of {@code configs} of {@code trainable} on {@code sample}, interleaved: warm-up
     * rounds (a pass of each config) for at least {@code minSeconds} and two rounds, then timed
     * rounds for at least {@code minSeconds} per config (at most {@code maxPasses}); a config's
     * training cost is its median timed pass, its evaluation cost the second of two. Interleaving
     * gives every config the same JIT warmth and the same share of the machine's noise: a profile
     * is taken early in a JVM's life, and a config profiled first, cold and alone, measured at
     * twice the cost its training then had.
     */
    public List<ModelProfile> profile(Trainable trainable, List<Config> configs, DataSpec data, Dataset sample,
                                      String device) {
        List<TrainableState> states = new ArrayList<>();
        try {
            for (Config config : configs) {
                states.add(trainable.init(config, 0, data));
            }
            long warmUp = System.nanoTime();
            for (int round = 0; round < 2 || System.nanoTime() - warmUp < minSeconds * 1e9; round++) {
                states.forEach(state -> state.trainPass(sample)); // JIT, native kernels, allocator
            }
            List<List<Double>> passSeconds = new ArrayList<>();
            states.forEach(state -> passSeconds.add(new ArrayList<>()));
            long start = System.nanoTime();
            for (int round = 0; round < maxPasses
                && (round < 3 || System.nanoTime() - start < minSeconds * configs.size() * 1e9); round++) {
                for (int i = 0; i < states.size(); i++) {
                    long passStart = System.nanoTime();
                    states.get(i).trainPass(sample);
                    passSeconds.get(i).add((System.nanoTime() - passStart) / 1e9);
                }
            }
            List<ModelProfile> profiles = new ArrayList<>();
            for (int i = 0; i < states.size(); i++) {
                TrainableState state = states.get(i);
                List<Double> times = passSeconds.get(i);
                times.sort(null);
                state.evaluate(sample); // warm-up
                long evalStart = System.nanoTime();
                state.evaluate(sample);
                double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
                profiles.add(new ModelProfile(key(trainable, configs.get(i), device), times.get(times.size() / 2)
                    / sample.size(), evalSeconds / sample.size(), state.toBytes().length, Instant.now(),
                    "measured now (median of " + times.size() + " passes over " + sample.size() + " records, after"
                    + " warm-up, " + configs.size() + " config(s) interleaved)"));
            }
            return profiles;
        } finally {
            states.forEach(TrainableState::close);
        }
    }

    /**
     * The thread split that trains {@code config} fastest for {@code workers} workers of this
     * process: the cores split evenly ({@code configureWorkers(workers)}, {@code cores / workers}
     * threads each) against one thread per worker ({@code configureWorkers(cores)}), each timed on
     * the same passes in this thread; one thread wins only when it is at least 20% faster (the
     * split can change a model's bits, so it must not flip on noise). Leaves the trainable
     * configured with the winner. Nothing to choose when each worker has one core, or when the
     * trainable does not split threads (does not override {@code configureWorkers}).
     */
    public ThreadChoice chooseThreads(Trainable trainable, Config config, DataSpec data, Dataset sample, int workers) {
        int cores = Runtime.getRuntime().availableProcessors();
        int even = Math.max(1, cores / workers);
        if (even == 1) {
            trainable.configureWorkers(workers);
            return ThreadChoice.even(workers, "one core per worker: nothing to choose");
        }
        if (!splitsThreads(trainable)) {
            return ThreadChoice.even(workers, "trainable " + trainable.name() + " does not split threads"
                + " (configureWorkers is not overridden)");
        }
        double evenSeconds = passSeconds(trainable, config, data, sample, workers);
        double singleSeconds = passSeconds(trainable, config, data, sample, cores);
        boolean single = singleSeconds < 0.8 * evenSeconds;
        trainable.configureWorkers(single ? cores : workers);
        String note = String.format(Locale.ROOT, "measured %.3g s per pass over %d records at %d thread(s), %.3g s at 1:"
            + " %s", evenSeconds, sample.size(), even, singleSeconds, single ? "one thread is faster"
            : "the even split is as fast or faster");
        return single ? new ThreadChoice(cores, 1, note) : new ThreadChoice(workers, even, note);
    }

    private static boolean splitsThreads(Trainable trainable) {
        try {
            return trainable.getClass().getMethod("configureWorkers", int.class).getDeclaringClass() != Trainable.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** The best of a few timed passes of {@code config} after {@code configureWorkers(split)}. */
    private double passSeconds(Trainable trainable, Config config, DataSpec data, Dataset sample, int split) {
        trainable.configureWorkers(split);
        try (TrainableState state = trainable.init(config, 0, data)) {
            state.trainPass(sample); // warm-up at this setting
            double best = Double.MAX_VALUE;
            long deadline = System.nanoTime() + (long) (minSeconds * 1e9);
            for (int pass = 0; pass < maxPasses && (pass < 2 || System.nanoTime() < deadline); pass++) {
                long start = System.nanoTime();
                state.trainPass(sample);
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
            return best;
        }
    }

    /**
     * Measures data-parallel training of {@code config} on {@code workers} ranks, threads of this
     * process summing gradients in shared memory as the local executor's workers do: one warm-up
     * epoch over {@code sample} (split among the ranks), then timed epochs; and one rank over the
     * same sample the same way, for the speed-up and the per-step cost beyond perfect scaling.
     */
    public DataParallelProfile profileDataParallel(Trainable trainable, Config config, DataSpec data, Dataset sample,
                                                   int workers) {
        double many = dataParallelSecondsPerSample(trainable, config, data, sample, workers);
        double one = dataParallelSecondsPerSample(trainable, config, data, sample, 1);
        int batch;
        try (TrainableState state = trainable.init(config, 0, data)) {
            batch = ((org.cerebro.train.GradientStep) state).batchSize();
        }
        long steps = org.cerebro.exec.DataParallelSteps.steps(sample.size(), batch);
        double sync = Math.max(0, (many - one / workers) * sample.size() / steps);
        return new DataParallelProfile(true, workers, many, one, sync, String.format(java.util.Locale.ROOT,
            "measured now: %d ranks in shared memory over %d records, batch %d", workers, sample.size(), batch));
    }

    private double dataParallelSecondsPerSample(Trainable trainable, Config config, DataSpec data, Dataset sample,
                                                int ranks) {
        try (org.cerebro.data.Partitions parts = sample.partition(ranks, 0)) {
            org.cerebro.exec.TrialState state = org.cerebro.exec.TrialState.NONE;
            long samples = 0;
            long start = 0;
            for (int epoch = 1, timed = 0; timed < maxPasses; epoch++) {
                if (epoch == 2) {
                    start = System.nanoTime(); // after a warm-up epoch
                }
                state = dataParallelEpoch(trainable, config, data, parts, epoch, state);
                if (epoch >= 2) {
                    samples += sample.size();
                    timed++;
                    if (System.nanoTime() - start >= minSeconds * 1e9) {
                        break;
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (state instanceof org.cerebro.exec.TrialState.Live live) {
                live.state().close();
            }
            return seconds / samples;
        }
    }

    private static org.cerebro.exec.TrialState dataParallelEpoch(Trainable trainable, Config config, DataSpec data,
                                                                 org.cerebro.data.Partitions parts, int epoch,
                                                                 org.cerebro.exec.TrialState state) {
        int ranks = parts.count();
        org.cerebro.exec.UnitWork work = new org.cerebro.exec.UnitWork(0, epoch,
            org.cerebro.exec.UnitRecord.ALL_PARTITIONS, config, 0, state, false);
        int[] sizes = new int[ranks];
        for (int r = 0; r < ranks; r++) {
            sizes[r] = parts.get(r).size();
        }
        org.cerebro.exec.DataParallelGroup group = new org.cerebro.exec.DataParallelGroup(work, data, parts.get(0),
            org.cerebro.exec.UnitJournal.NONE, sizes, false);
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int r = 1; r < ranks; r++) {
            int rank = r;
            Thread thread = new Thread(() -> group.run(rank, trainable, java.util.List.of(parts.get(rank))),
                "cerebro-profile-rank-" + r);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        org.cerebro.exec.UnitResult result = group.run(0, trainable, java.util.List.of(parts.get(0)));
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while profiling", e);
            }
        }
        if (!result.succeeded()) {
            throw new IllegalStateException("profiling a data-parallel epoch failed: " + (result.fatal() != null
                ? result.fatal() : result.failure()));
        }
        return result.state();
    }
}
