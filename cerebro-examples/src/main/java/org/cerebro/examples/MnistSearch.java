package org.cerebro.examples;

import java.nio.file.Path;
import org.cerebro.Cerebro;
import org.cerebro.Search;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;

/**
 * The main job (README command 1): ASHA over DJL/PyTorch MLPs (width, depth, learning rate,
 * batch size) on MNIST, on one local CPU worker per core (model hopper parallelism): trained on
 * 90% of the 60,000 training images, selected on the other 10% (validation), and the best trial
 * scored once on the 10,000 test images. Prints the search, EXPLAIN
 * (the plan the cost-based optimizer chose, its estimate and the measured makespan), a progress
 * line and the leaderboard; writes an HTML report ({@code target/mnist-search-report.html} unless
 * {@code --report} says otherwise; rewritten while the search runs) and, when asked, a JSON summary.
 *
 * <pre>
 * java @jvm.options -cp ... org.cerebro.examples.MnistSearch [--data DIR] [--strategy asha|hyperband|grid|random]
 *     [--epochs 9] [--trials 12] [--seed 42] [--workers cores] [--model mlp|lenet] [--train-records 60000]
 *     [--experiment-dir DIR] [--report FILE.html] [--summary-json FILE]
 * </pre>
 *
 * MNIST comes from {@code --data}, {@code CEREBRO_DATA} or {@code ../shared/data}; otherwise it is
 * downloaded once into {@code ~/.cache/cerebro/data} ({@link MnistData}). With
 * {@code --experiment-dir} the search resumes where it stopped when run again.
 */
public final class MnistSearch {
    private MnistSearch() {
    }

    public static void main(String[] args) throws Exception {
        ExampleRun run = new ExampleRun(args, "model", "train-records");
        Path dataDir = run.mnistData();
        long seed = run.seed(42);
        int trainRecords = run.options.getInt("train-records", 60_000);
        SearchSpace space = SearchSpace.of(
            HParam.choice("width", 128, 256),
            HParam.choice("depth", 1, 2),
            HParam.logUniform("lr", 3e-4, 1e-2),
            HParam.choice("batch_size", 64, 128));
        try (Mnist data = new Mnist(dataDir, trainRecords, seed)) {
            Search search = run.configure(Cerebro.search(space)
                .trainable(new DjlTrainable(Zoo.byName(run.options.get("model", "mlp"))))
                .data(data.train(), data.validation())
                .test(data.test())
                .strategy(run.strategy("asha", run.epochs(9), run.trials(12)))
                .objective(Objective.maximize("accuracy")), seed, "target/mnist-search-report.html")
                .build();
            SearchResult result = run.run(search);
            result.best().ifPresent(best -> System.out.printf("%nbest: trial %d after %d epochs, validation accuracy %.4f,"
                + " test accuracy %.4f, %s%n", best.trialId(), best.epochsCompleted(),
                best.lastEpoch().metrics().accuracy(), best.test().accuracy(), org.cerebro.report.Format.config(best.config())));
        }
    }
}
