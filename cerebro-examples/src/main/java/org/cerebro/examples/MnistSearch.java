package org.cerebro.examples;

import java.nio.file.Path;
import java.util.Set;
import org.cerebro.Cerebro;
import org.cerebro.LogicalSearch;
import org.cerebro.Objective;
import org.cerebro.SearchListener;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Split;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.Metrics;
import org.cerebro.train.MlpTrainable;

/**
 * The main job: a model-selection search on MNIST. By default ASHA over learning rate, batch size
 * and hidden width of the pure-Java MLP on one local CPU worker per core (model hopper
 * parallelism over 4 partitions), trained on 12,000 training images and scored on the
 * 10,000 test images. Prints the search, a progress line per epoch, the leaderboard and EXPLAIN
 * (the plan the cost-based optimizer chose, its estimate and the measured makespan). With
 * {@code --experiment-dir DIR} the search is recorded there and, run again with the same options,
 * resumes where it stopped (kill it, Ctrl-C it, run it again).
 *
 * <pre>
 * java @jvm.options -cp ... org.cerebro.examples.MnistSearch [--data DIR] [--strategy grid|random|hyperband|asha]
 *     [--epochs 9] [--trials 12] [--seed 42] [--workers cores] [--partitions 4] [--train-records 12000]
 *     [--summary-json FILE] [--csv FILE] [--experiment-dir DIR]
 * </pre>
 */
public final class MnistSearch {
    private static final Set<String> OPTIONS = Set.of("data", "strategy", "epochs", "trials", "seed", "partitions",
        "train-records", "summary-json", "csv", "workers", "experiment-dir");

    private MnistSearch() {
    }

    public static void main(String[] args) {
        Options options = new Options(args, OPTIONS);
        Path mnist = DataDir.resolve(options.get("data")).resolve("mnist");
        int epochs = options.getInt("epochs", 9);
        int trials = options.getInt("trials", 12);
        long seed = options.getLong("seed", 42);
        int trainRecords = options.getInt("train-records", 12_000);
        Strategy strategy = strategy(options.get("strategy", "asha"), epochs, trials);
        SearchSpace space = SearchSpace.of(
            HParam.logUniform("lr", 1e-3, 0.3).gridPoints(3),
            HParam.choice("batch_size", 32, 64),
            HParam.choice("hidden", 0, 32, 64));

        try (Dataset fullTrain = Datasets.idx(mnist.resolve("train-images-idx3-ubyte.gz"),
                mnist.resolve("train-labels-idx1-ubyte.gz"));
             Dataset test = Datasets.idx(mnist.resolve("t10k-images-idx3-ubyte.gz"),
                mnist.resolve("t10k-labels-idx1-ubyte.gz"));
             Split subset = subset(fullTrain, trainRecords, seed)) {
            Dataset train = subset == null ? fullTrain : subset.train();
            org.cerebro.SearchBuilder builder = Cerebro.search(space)
                .trainable(new MlpTrainable())
                .data(train, test)
                .strategy(strategy)
                .objective(Objective.maximize("accuracy"))
                .seed(seed)
                .executor(LocalExecutor.cpus(options.getInt("workers", Runtime.getRuntime().availableProcessors())))
                .partitions(options.getInt("partitions", 4))
                .listener(new Progress());
            if (options.get("experiment-dir") != null) {
                builder.experimentDir(Path.of(options.get("experiment-dir")));
            }
            LogicalSearch search = builder.build();
            System.out.print(search.describe());
            SearchResult result = search.run();
            System.out.printf("%n%d trials, %d epochs, %d units in %.1f s%s%n", result.trials().size(),
                result.epochsCompleted(), result.unitsRun(), result.elapsed().toMillis() / 1000.0,
                result.unitsRecovered() == 0 ? "" : " (" + result.unitsRecovered() + " units recovered from "
                    + options.get("experiment-dir") + ")");
            System.out.print(result.leaderboardTable(10));
            System.out.println();
            System.out.print(result.explain());
            if (options.get("summary-json") != null) {
                result.writeJson(Path.of(options.get("summary-json")));
            }
            if (options.get("csv") != null) {
                result.writeCsv(Path.of(options.get("csv")));
            }
        }
    }

    /** The first {@code records} of a seeded shuffle of {@code full}, or null to use all of it. */
    private static Split subset(Dataset full, int records, long seed) {
        if (records < 1) {
            throw new IllegalArgumentException("option=--train-records got=" + records + " expected>=1");
        }
        return records >= full.size() ? null : full.split(1.0 - (double) records / full.size(), seed);
    }

    private static Strategy strategy(String name, int epochs, int trials) {
        return switch (name) {
            case "grid" -> Strategy.grid(epochs);
            case "random" -> Strategy.random(trials, epochs);
            case "hyperband" -> Strategy.hyperband(epochs, 3);
            case "asha" -> Strategy.asha(1, epochs, 3).maxTrials(trials);
            default -> throw new IllegalArgumentException("option=--strategy got=" + name
                + " expected grid, random, hyperband or asha");
        };
    }

    /** One line per epoch. */
    private static final class Progress implements SearchListener {
        private final long start = System.nanoTime();
        private int epochs;

        @Override
        public void searchResumed(int epochsRecovered, long unitsRecovered) {
            System.out.printf("resuming: %d epochs and %d units recovered from the experiment directory%n",
                epochsRecovered, unitsRecovered);
        }

        @Override
        public void epochEnded(int trialId, int epoch, Metrics metrics, double score) {
            epochs++;
            System.out.printf("[%6.1f s] trial %3d epoch %2d: accuracy %.4f loss %.4f (%d epochs so far)%n",
                (System.nanoTime() - start) / 1e9, trialId, epoch, metrics.accuracy(), metrics.loss(), epochs);
        }

        @Override
        public void trialFailed(int trialId, int epoch, String reason) {
            System.out.printf("trial %3d failed in epoch %d: %s%n", trialId, epoch, reason);
        }
    }
}
