package org.cerebro.examples;

import java.nio.file.Path;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Split;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;

/**
 * ASHA (asynchronous successive halving): many DJL MLP configs on MNIST get one epoch, the top
 * third of each rung is promoted to three times the epochs, the rest stop. The search space mixes
 * a log-uniform learning rate, an integer depth and a choice of widths.
 *
 * <pre>
 * java @jvm.options -cp ... org.cerebro.examples.AshaExample [--trials 16] [--epochs 9] [--train-records 12000]
 *     [--workers N] [--seed 7] [--data DIR] [--experiment-dir DIR] [--report FILE.html] [--summary-json FILE]
 * </pre>
 */
public final class AshaExample {
    private AshaExample() {
    }

    public static void main(String[] args) {
        ExampleRun run = new ExampleRun(args, java.util.Set.of("strategy"), "train-records");
        Path mnist = run.mnistData().resolve("mnist");
        try (Dataset all = Datasets.idx(mnist.resolve("train-images-idx3-ubyte.gz"),
                mnist.resolve("train-labels-idx1-ubyte.gz"));
             Dataset test = Datasets.idx(mnist.resolve("t10k-images-idx3-ubyte.gz"),
                mnist.resolve("t10k-labels-idx1-ubyte.gz"));
             Split subset = MnistSearch.subset(all, run.options.getInt("train-records", 12_000), 7)) {
            SearchSpace space = SearchSpace.of(
                HParam.logUniform("lr", 1e-4, 3e-2),
                HParam.intRange("depth", 1, 3),
                HParam.choice("width", 64, 128, 256),
                HParam.constant("batch_size", 64));
            run.run(run.configure(Cerebro.search(space)
                .trainable(new DjlTrainable(Zoo.mlp()))
                .data(subset == null ? all : subset.train(), test)
                .strategy(Strategy.asha(1, run.epochs(9), 3).maxTrials(run.trials(16)))
                .objective(Objective.maximize("accuracy")), 7).build(), null);
        }
    }
}
