package org.cerebro.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.exec.UnitRecord;
import org.cerebro.exec.cluster.ClusterBench;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * A bench harness for MOP on workers of different speeds, on real worker threads: a grid of 12
 * pure-Java MLPs x 3 epochs on 12,000 MNIST records, {@code LocalExecutor.cpus(2)}, 2 partitions,
 * the fixed visit order, worker 0 slowed to half speed (after each pass on its thread it sleeps as
 * long as the pass took, so it costs no CPU). Three interleaved rounds of: both workers at full speed
 * (reference), the slowed pair with each partition on one worker ({@code replicas(1)}, the paper's
 * placement), and the slowed pair with every worker serving every partition (the local executor's
 * default). The training makespan (first unit's start to last unit's end) is compared with the
 * lower bound for speeds 1 and 0.5: the full-speed makespan x 2 / 1.5. Then the same on a
 * 2-worker cluster of worker JVMs over loopback, worker 0 throttled from outside (SIGSTOP and
 * SIGCONT every 20 ms), {@code replicas(1)} against {@code replicas(2)} (each partition on both
 * workers).
 *
 * <pre>
 * java @jvm.options -cp jmh/target/benchmarks.jar org.cerebro.jmh.HeterogeneousWorkersBench [local|cluster]
 * </pre>
 */
public final class HeterogeneousWorkersBench {
    private HeterogeneousWorkersBench() {
    }

    public static void main(String[] args) throws Exception {
        SearchSpace space = SearchSpace.of(HParam.choice("hidden", 32, 64), HParam.choice("lr", 0.03, 0.1, 0.3),
            HParam.choice("batch_size", 32, 64));
        try (Dataset all = BenchData.mnistTrain();
             Dataset train = all.head(12_000);
             Dataset validation = BenchData.mnistTest().head(2_000)) {
            if (args.length == 0 || args[0].equals("local")) {
                local(space, train, validation);
            }
            if (args.length == 0 || args[0].equals("cluster")) {
                cluster(space, train, validation);
            }
        }
    }

    /** Local worker threads; worker 0 sleeps as long as each of its passes took. */
    private static void local(SearchSpace space, Dataset train, Dataset validation) {
        List<Double> full = new ArrayList<>();
        List<Double> pinned = new ArrayList<>();
        List<Double> shared = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            full.add(run(round, "full speed, every worker", space, train, validation, LocalExecutor.cpus(2),
                new MlpTrainable()));
            pinned.add(run(round, "worker 0 at half, replicas=1", space, train, validation,
                LocalExecutor.cpus(2).replicas(1), new HalfSpeedFirstWorker()));
            shared.add(run(round, "worker 0 at half, every worker", space, train, validation, LocalExecutor.cpus(2),
                new HalfSpeedFirstWorker()));
        }
        report("local", full, pinned, shared);
    }

    /**
     * Two worker JVMs ({@code --threads 1}); worker 0 throttled from outside, SIGSTOP 20 ms and
     * SIGCONT 20 ms over and over (half speed, as a CPU quota would leave it).
     */
    private static void cluster(SearchSpace space, Dataset train, Dataset validation) throws Exception {
        Path root = Files.createTempDirectory("cerebro-heterogeneous-bench");
        Path secret = Files.write(root.resolve("secret"), ClusterBench.SECRET);
        List<Process> workers = new ArrayList<>();
        try {
            String[] addresses = {ClusterBench.start(workers, root, secret, 0), ClusterBench.start(workers, root,
                secret, 1)};
            // warm-up: places both partitions on both workers and warms their JITs
            run(0, "cluster warm-up", space, train, validation, cluster(addresses, 2), new MlpTrainable());
            List<Double> full = new ArrayList<>();
            List<Double> pinned = new ArrayList<>();
            List<Double> shared = new ArrayList<>();
            for (int round = 1; round <= 3; round++) {
                full.add(run(round, "full speed, replicas=2", space, train, validation, cluster(addresses, 2),
                    new MlpTrainable()));
                int r = round;
                pinned.add(throttled(workers.get(0), () -> run(r, "worker 0 at half, replicas=1", space, train,
                    validation, cluster(addresses, 1), new MlpTrainable())));
                shared.add(throttled(workers.get(0), () -> run(r, "worker 0 at half, replicas=2", space, train,
                    validation, cluster(addresses, 2), new MlpTrainable())));
            }
            report("cluster", full, pinned, shared);
        } finally {
            workers.forEach(Process::destroy);
            for (Process worker : workers) {
                worker.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    private static org.cerebro.exec.cluster.ClusterExecutor cluster(String[] addresses, int replicas) {
        return org.cerebro.exec.cluster.ClusterExecutor.connect(addresses).secret(ClusterBench.SECRET)
            .replicas(replicas);
    }

    /** Runs {@code search} while {@code worker} is stopped and continued every 20 ms. */
    private static double throttled(Process worker, java.util.function.DoubleSupplier search)
        throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean on = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread throttle = new Thread(() -> {
            try {
                while (on.get()) {
                    signal("STOP", worker.pid());
                    Thread.sleep(20);
                    signal("CONT", worker.pid());
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                signal("CONT", worker.pid());
            }
        }, "throttle");
        throttle.start();
        try {
            return search.getAsDouble();
        } finally {
            on.set(false);
            throttle.join();
        }
    }

    private static void signal(String signal, long pid) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void report(String where, List<Double> full, List<Double> pinned, List<Double> shared) {
        double bound = median(full) * 2 / 1.5;
        System.out.printf(Locale.ROOT, "%s medians: full speed %.2f s; lower bound at speeds (1, 0.5) %.2f s;"
            + " one worker per partition %.2f s = %.3fx; every worker %.2f s = %.3fx%n", where, median(full), bound,
            median(pinned), median(pinned) / bound, median(shared), median(shared) / bound);
    }

    private static double run(int round, String label, SearchSpace space, Dataset train, Dataset validation,
                              org.cerebro.exec.Executor executor, Trainable trainable) {
        SearchResult result = Cerebro.search(space).trainable(trainable)
            .data(train, validation).strategy(Strategy.grid(3)).objective(Objective.maximize("accuracy")).seed(5)
            .partitions(2).executor(executor).operator(org.cerebro.plan.Operator.MOP).progress(false).run();
        long start = result.units().stream().mapToLong(UnitRecord::startNanos).min().orElseThrow();
        long end = result.units().stream().mapToLong(UnitRecord::endNanos).max().orElseThrow();
        double seconds = (end - start) / 1e9;
        long onSlow = result.units().stream().filter(u -> u.worker() == 0).count();
        double[] busy = new double[2];
        result.units().forEach(u -> busy[u.worker()] += (u.endNanos() - u.startNanos()) / 1e9);
        System.out.printf(Locale.ROOT, "round %d %-32s %6.2f s  units on worker 0: %d of %d, busy %.0f%% / %.0f%%"
            + "  best %.4f%n", round, label, seconds, onSlow, result.units().size(), 100 * busy[0] / seconds,
            100 * busy[1] / seconds, result.best().orElseThrow().lastEpoch().metrics().accuracy());
        return seconds;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    /**
     * The MLP, at half speed on worker 0's thread: a trial's state hops between workers (by
     * reference, locally), so the worker that runs a pass decides, not the one that made the state.
     */
    static final class HalfSpeedFirstWorker implements Trainable {
        private final MlpTrainable inner = new MlpTrainable();

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            return halfSpeed(inner.init(config, seed, data));
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            return halfSpeed(inner.restore(config, data, bytes));
        }

        @Override
        public double epochCost(Config config, DataSpec data) {
            return inner.epochCost(config, data);
        }

        private static TrainableState halfSpeed(TrainableState state) {
            return new TrainableState() {
                @Override
                public double trainPass(Dataset partition) {
                    long start = System.nanoTime();
                    double loss = state.trainPass(partition);
                    long took = System.nanoTime() - start;
                    if (!Thread.currentThread().getName().equals("cerebro-worker-0")) {
                        return loss;
                    }
                    try {
                        Thread.sleep(took / 1_000_000, (int) (took % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return loss;
                }

                @Override
                public Metrics evaluate(Dataset validation) {
                    return state.evaluate(validation);
                }

                @Override
                public byte[] toBytes() {
                    return state.toBytes();
                }

                @Override
                public void close() {
                    state.close();
                }
            };
        }
    }
}
