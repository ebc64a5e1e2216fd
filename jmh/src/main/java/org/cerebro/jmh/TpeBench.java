package org.cerebro.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Sampler;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * A bench harness for the TPE sampler against random search, ratios in one run: the median (over
 * 20 seeds) of the best value found in 60 trials on two standard objectives, noisy Branin (2-D)
 * and Hartmann-6 (6-D), evaluated by a pure-Java trainable through the whole search API; then
 * ASHA(1, 9, 3) with 24 trials of the pure-Java MLP on MNIST (12,000 records, 2 workers) with
 * random and TPE samplers, 3 seeds each: best validation accuracy and epochs trained.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar org.cerebro.jmh.TpeBench
 * </pre>
 */
public final class TpeBench {
    private TpeBench() {
    }

    /**
     * A "model" whose loss is an objective of its config plus Gaussian noise (sd 0.1), seeded by
     * the trial: a stand-in for training that costs nothing, so samplers can be compared on
     * functions with known minima.
     */
    public static final class ObjectiveTrainable implements Trainable {
        private final String name;
        private final ToDoubleFunction<Config> objective;

        public ObjectiveTrainable(String name, ToDoubleFunction<Config> objective) {
            this.name = name;
            this.objective = objective;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            SplittableRandom random = new SplittableRandom(seed);
            double value = objective.applyAsDouble(config) + 0.1 * random.nextGaussian();
            return new TrainableState() {
                @Override
                public double trainPass(Dataset partition) {
                    return value;
                }

                @Override
                public Metrics evaluate(Dataset data) {
                    return Metrics.of(value, 0);
                }

                @Override
                public byte[] toBytes() {
                    return java.nio.ByteBuffer.allocate(8).putDouble(value).array();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            throw new UnsupportedOperationException("one epoch per trial: never restored");
        }
    }

    static double branin(Config c) {
        double x = (double) c.values().get("x");
        double y = (double) c.values().get("y");
        double a = y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6;
        return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
    }

    private static final double[] HARTMANN_ALPHA = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] HARTMANN_A = {
        {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
    private static final double[][] HARTMANN_P = {
        {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886}, {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
        {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650}, {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};

    /** Hartmann-6 on [0, 1]^6: minimum -3.32237. */
    static double hartmann6(Config c) {
        double total = 0;
        for (int i = 0; i < 4; i++) {
            double inner = 0;
            for (int j = 0; j < 6; j++) {
                double x = (double) c.values().get("x" + j);
                inner += HARTMANN_A[i][j] * (x - HARTMANN_P[i][j]) * (x - HARTMANN_P[i][j]);
            }
            total += HARTMANN_ALPHA[i] * Math.exp(-inner);
        }
        return -total;
    }

    public static void main(String[] args) throws Exception {
        float[][] rows = new float[16][1];
        int[] labels = new int[16];
        for (int i = 0; i < 16; i++) {
            rows[i][0] = i;
            labels[i] = i % 2;
        }
        try (Dataset one = Datasets.fromArrays(rows, labels, 2)) { // 16 records: 8 workers need 8 partitions
            List<HParam<?>> six = new ArrayList<>();
            for (int j = 0; j < 6; j++) {
                six.add(HParam.uniform("x" + j, 0, 1));
            }
            synthetic("noisy Branin (2-D, minimum 0.398)", SearchSpace.of(HParam.uniform("x", -5, 10),
                HParam.uniform("y", 0, 15)), TpeBench::branin, one);
            synthetic("noisy Hartmann-6 (6-D, minimum -3.322)", SearchSpace.of(six), TpeBench::hartmann6, one);
        }
        if (!List.of(args).contains("--synthetic-only")) {
            mnist();
        }
    }

    private static void synthetic(String title, SearchSpace space, ToDoubleFunction<Config> objective, Dataset one) {
        System.out.println("== " + title + ", 60 trials, 20 seeds: median of the best (noise-free) value found");
        // one worker: each trial's result is known before the next is proposed; 8 workers: MOP keeps
        // 16 trials in flight, so a proposal sees fewer results (the constant liar's case)
        for (String sampler : List.of("random", "tpe", "tpe multivariate", "tpe, 16 in flight",
                "tpe + constant liar, 16 in flight")) {
            List<Double> bests = new ArrayList<>();
            for (long seed = 0; seed < 20; seed++) {
                org.cerebro.strategy.Strategy strategy = sampler.equals("random") ? Strategy.random(60, 1)
                    : sampler.contains("liar") ? Strategy.random(60, 1).sampler(org.cerebro.strategy.Sampler.tpe()
                    .constantLiar(true))
                    : sampler.contains("multivariate") ? Strategy.random(60, 1).sampler(org.cerebro.strategy.Sampler.tpe()
                    .multivariate(true)) : Strategy.tpe(60, 1);
                org.cerebro.exec.Executor executor = sampler.contains("in flight") ? LocalExecutor.cpus(8)
                    : new SequentialExecutor();
                SearchResult result = Cerebro.search(space).trainable(new ObjectiveTrainable("objective", objective))
                    .data(one, one).strategy(strategy)
                    .objective(Objective.minimize("loss")).seed(seed).executor(executor)
                    .progress(false).run();
                bests.add(result.trials().stream().mapToDouble(t -> objective.applyAsDouble(t.config())).min()
                    .orElseThrow());
            }
            bests.sort(null);
            System.out.printf(Locale.ROOT, "%-34s median %.4f  quartiles %.4f .. %.4f%n", sampler, bests.get(10),
                bests.get(5), bests.get(15));
        }
    }

    private static void mnist() {
        SearchSpace space = SearchSpace.of(HParam.logUniform("lr", 1e-3, 1.0), HParam.choice("hidden", 16, 64, 128),
            HParam.choice("batch_size", 16, 32, 64, 128), HParam.uniform("momentum", 0.0, 0.95));
        System.out.println();
        System.out.println("== MNIST, ASHA(1, 9, 3) x 24 trials, pure-Java MLP, 12,000 records, 2 workers");
        try (Dataset all = BenchData.mnistTrain();
             Dataset train = all.head(12_000);
             Dataset validation = BenchData.mnistTest().head(2_000)) {
            for (long seed = 1; seed <= 3; seed++) {
                for (String sampler : List.of("random", "tpe")) {
                    SearchResult result = Cerebro.search(space).trainable(new MlpTrainable()).data(train, validation)
                        .strategy(Strategy.asha(1, 9, 3).maxTrials(24)
                            .sampler(sampler.equals("tpe") ? Sampler.tpe() : Sampler.random()))
                        .objective(Objective.maximize("accuracy")).seed(seed).partitions(2)
                        .executor(LocalExecutor.cpus(2)).progress(false).run();
                    System.out.printf(Locale.ROOT, "seed %d %-7s best %.4f  epochs %d  %.1f s  %s%n", seed, sampler,
                        result.best().orElseThrow().lastEpoch().metrics().accuracy(), result.epochsCompleted(),
                        result.elapsed().toNanos() / 1e9, Map.copyOf(result.best().orElseThrow().config().values()));
                }
            }
        }
    }
}
