package org.cerebro.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.data.Partitions;
import org.cerebro.exec.DataParallelGroup;
import org.cerebro.exec.DataParallelSteps;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitJournal;
import org.cerebro.exec.UnitRecord;
import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitWork;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.plan.Operator;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.DataSpec;
import org.cerebro.train.MlpTrainable;

/**
 * A bench harness for data parallelism and the hybrid, ratios in one run, on MNIST with the
 * pure-Java MLP (the trainable that trains data-parallel) and {@code LocalExecutor.cpus(2)}:
 * <ol>
 * <li>the per-step cost of the shared-memory all-reduce against the gradient's bytes: one
 *     data-parallel epoch on 2 ranks against the same epoch on 1 rank, for MLPs of growing width
 *     (the extra time per step beyond perfect scaling is the all-reduce, the barriers and the
 *     smaller per-rank batches);</li>
 * <li>the same on two worker daemons over loopback TCP, summing with the ring all-reduce;</li>
 * <li>an ASHA(1, 9, 3) search of 12 trials, three interleaved rounds of forced MOP, forced HYBRID
 *     and the planner's choice: makespan, utilization (busy / (workers x makespan)) over the whole
 *     search and over its tail (from when the last trial is the only one left), medians.</li>
 * </ol>
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar org.cerebro.jmh.HybridBench [train-records, default 12000]
 * </pre>
 */
public final class HybridBench {
    private static final int ROUNDS = 3;

    private HybridBench() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 12_000;
        try (Dataset all = BenchData.mnistTrain();
             Dataset train = all.head(records);
             Dataset validation = BenchData.mnistTest().head(2_000)) {
            allReduceCost(train);
            clusterAllReduceCost(train, validation);
            search(train, validation);
        }
    }

    private static void allReduceCost(Dataset train) throws Exception {
        System.out.println("== all-reduce per step vs gradient size (batch 32, " + train.size() + " records)");
        System.out.printf(Locale.ROOT, "%8s %12s %12s %12s %10s %14s %12s%n", "hidden", "grad bytes", "1 rank s", "2 ranks s",
            "speed-up", "extra/step", "compute/step");
        DataSpec spec = new DataSpec(train.featureWidth(), train.numClasses());
        for (int hidden : new int[] {0, 16, 64, 256}) {
            Config config = Config.of(java.util.Map.of("lr", 0.05, "hidden", hidden, "batch_size", 32));
            int floats = hidden == 0 ? 10 * 785 : hidden * 785 + 10 * (hidden + 1);
            epoch(train, spec, config, 1); // warm-up
            epoch(train, spec, config, 2);
            double one = median(List.of(epoch(train, spec, config, 1), epoch(train, spec, config, 1),
                epoch(train, spec, config, 1)));
            double two = median(List.of(epoch(train, spec, config, 2), epoch(train, spec, config, 2),
                epoch(train, spec, config, 2)));
            long steps = DataParallelSteps.steps(train.size(), 32);
            System.out.printf(Locale.ROOT, "%8d %12d %12.3f %12.3f %9.2fx %11.1f us %9.1f us%n", hidden, 4L * floats, one,
                two, one / two, (two - one / 2) / steps * 1e6, one / steps * 1e6);
        }
    }

    /**
     * The same epochs on two worker daemons over loopback TCP (the ring all-reduce between them)
     * against the local executor's shared memory: a data-parallel search of one trial for 3
     * epochs, the last two timed, per step.
     */
    private static void clusterAllReduceCost(Dataset train, Dataset validation) throws Exception {
        System.out.println();
        System.out.println("== ring all-reduce on 2 loopback workers vs shared memory (batch 32, per step)");
        System.out.printf(Locale.ROOT, "%8s %12s %14s %14s %12s%n", "hidden", "grad bytes", "local/step", "cluster/step",
            "ring extra");
        byte[] secret = "hybrid-bench-secret-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cerebro-hybrid-bench");
        List<org.cerebro.exec.cluster.WorkerDaemon> daemons = new ArrayList<>();
        try {
            for (int w = 0; w < 2; w++) {
                daemons.add(org.cerebro.exec.cluster.WorkerDaemon.start(new org.cerebro.exec.cluster.WorkerDaemon.Settings(
                    new java.net.InetSocketAddress("127.0.0.1", 0), secret, dir.resolve("w" + w),
                    org.cerebro.train.WorkerDevice.CPU, 1, 5_000, 60_000, 256 << 20)));
            }
            long steps = DataParallelSteps.steps(train.size(), 32);
            for (int hidden : new int[] {16, 64, 256}) {
                int floats = hidden * 785 + 10 * (hidden + 1);
                double local = dataParallelEpochSeconds(train, validation, hidden, LocalExecutor.cpus(2));
                double cluster = dataParallelEpochSeconds(train, validation, hidden,
                    org.cerebro.exec.cluster.ClusterExecutor.connect(daemons.get(0).address(), daemons.get(1).address())
                        .secret(secret));
                System.out.printf(Locale.ROOT, "%8d %12d %11.1f us %11.1f us %9.1f us%n", hidden, 4L * floats,
                    local / steps * 1e6, cluster / steps * 1e6, (cluster - local) / steps * 1e6);
            }
        } finally {
            daemons.forEach(org.cerebro.exec.cluster.WorkerDaemon::close);
        }
    }

    /** Seconds of the faster of epochs 2 and 3 of a data-parallel search of one trial on {@code executor}. */
    private static double dataParallelEpochSeconds(Dataset train, Dataset validation, int hidden,
                                                   org.cerebro.exec.Executor executor) {
        SearchResult result = Cerebro.search(SearchSpace.of(HParam.constant("lr", 0.05), HParam.constant("hidden", hidden),
                HParam.constant("batch_size", 32))).trainable(new MlpTrainable()).data(train, validation)
            .strategy(Strategy.random(1, 3)).objective(Objective.maximize("accuracy")).seed(3).partitions(2)
            .executor(executor).operator(Operator.DATA_PARALLEL).progress(false).run();
        List<Double> seconds = new ArrayList<>();
        for (UnitRecord unit : result.units()) {
            if (unit.worker() == 0 && unit.epoch() > 1) {
                seconds.add((unit.endNanos() - unit.startNanos()) / 1e9);
            }
        }
        return seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /** Seconds of one data-parallel epoch over {@code train} split among {@code ranks} threads. */
    private static double epoch(Dataset train, DataSpec spec, Config config, int ranks) throws Exception {
        try (Partitions parts = train.partition(ranks, 1)) {
            int[] sizes = new int[ranks];
            for (int r = 0; r < ranks; r++) {
                sizes[r] = parts.get(r).size();
            }
            UnitWork work = new UnitWork(0, 1, UnitRecord.ALL_PARTITIONS, config, 1, TrialState.NONE, false);
            DataParallelGroup group = new DataParallelGroup(work, spec, parts.get(0), UnitJournal.NONE, sizes, false);
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            for (int r = 1; r < ranks; r++) {
                int rank = r;
                Thread thread = new Thread(() -> group.run(rank, new MlpTrainable(), List.of(parts.get(rank))));
                thread.start();
                threads.add(thread);
            }
            UnitResult result = group.run(0, new MlpTrainable(), List.of(parts.get(0)));
            for (Thread thread : threads) {
                thread.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!result.succeeded()) {
                throw new IllegalStateException("epoch failed: " + result.failure());
            }
            ((TrialState.Live) result.state()).state().close();
            return seconds;
        }
    }

    private static void search(Dataset train, Dataset validation) {
        SearchSpace space = SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3), HParam.choice("hidden", 64, 128),
            HParam.choice("batch_size", 32, 64));
        System.out.println();
        System.out.println("== ASHA(1, 9, 3), 12 trials, LocalExecutor.cpus(2), " + train.size() + " records");
        List<Double> mop = new ArrayList<>();
        List<Double> hybrid = new ArrayList<>();
        List<Double> auto = new ArrayList<>();
        String lastAuto = "";
        for (int round = 1; round <= ROUNDS; round++) {
            for (String variant : List.of("MOP", "HYBRID", "auto")) {
                var builder = Cerebro.search(space).trainable(new MlpTrainable()).data(train, validation)
                    .strategy(Strategy.asha(1, 9, 3).maxTrials(12)).objective(Objective.maximize("accuracy")).seed(3)
                    .partitions(2).executor(LocalExecutor.cpus(2)).progress(false);
                if (!variant.equals("auto")) {
                    builder.operator(Operator.valueOf(variant));
                }
                SearchResult result = builder.run();
                double seconds = result.elapsed().toNanos() / 1e9;
                double[] use = utilization(result, 2);
                (variant.equals("MOP") ? mop : variant.equals("HYBRID") ? hybrid : auto).add(seconds);
                System.out.printf(Locale.ROOT, "round %d %-7s %7.2f s  utilization %.3f, tail %.3f (%.2f s)  best %.4f"
                        + "  ran as %s%n", round, variant, seconds, use[0], use[1], use[2],
                    result.best().orElseThrow().lastEpoch().metrics().accuracy(), result.plan().executableOperator());
                if (variant.equals("auto")) {
                    lastAuto = result.explain();
                }
            }
        }
        System.out.printf(Locale.ROOT, "medians: MOP %.2f s, HYBRID %.2f s (%.2fx faster), auto %.2f s (%.2fx)%n",
            median(mop), median(hybrid), median(mop) / median(hybrid), median(auto), median(mop) / median(auto));
        System.out.println();
        System.out.println("EXPLAIN of the last auto run:");
        System.out.println(lastAuto);
    }

    /**
     * Busy time over workers x makespan, for the whole search and for its tail: from when the
     * last trial became the only one with units left (the end of every other trial's last unit).
     *
     * @return {whole, tail, tail seconds}
     */
    static double[] utilization(SearchResult result, int workers) {
        List<UnitRecord> units = result.units();
        long start = units.stream().mapToLong(UnitRecord::startNanos).min().orElse(0);
        long end = units.stream().mapToLong(UnitRecord::endNanos).max().orElse(0);
        UnitRecord last = units.stream().max(java.util.Comparator.comparingLong(UnitRecord::endNanos)).orElseThrow();
        long tailStart = units.stream().filter(u -> u.trialId() != last.trialId()).mapToLong(UnitRecord::endNanos)
            .max().orElse(start);
        double busy = 0;
        double tailBusy = 0;
        for (UnitRecord unit : units) {
            busy += unit.endNanos() - unit.startNanos();
            tailBusy += Math.max(0, unit.endNanos() - Math.max(unit.startNanos(), tailStart));
        }
        double tail = end - tailStart;
        return new double[] {busy / ((double) workers * (end - start)),
            tail > 0 ? tailBusy / (workers * tail) : Double.NaN, tail / 1e9};
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
