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
 * Hyperband: several brackets of successive halving, from many configs with few epochs to few
 * configs with many, over DJL MLPs on MNIST; rungs are synchronous, so the decisions (and the
 * results) are the same however the workers are timed.
 *
 * <pre>
 * java @jvm.options -cp ... org.cerebro.examples.HyperbandExample [--epochs 9] [--train-records 12000]
 *     [--workers N] [--seed 11] [--data DIR] [--experiment-dir DIR] [--report FILE.html] [--summary-json FILE]
 * </pre>
 */
public final class HyperbandExample {
    private HyperbandExample() {
    }

    public static void main(String[] args) {
        ExampleRun run = new ExampleRun(args, java.util.Set.of("strategy", "trials"), "train-records");
        Path mnist = run.mnistData().resolve("mnist");
        try (Dataset all = Datasets.idx(mnist.resolve("train-images-idx3-ubyte.gz"),
                mnist.resolve("train-labels-idx1-ubyte.gz"));
             Dataset test = Datasets.idx(mnist.resolve("t10k-images-idx3-ubyte.gz"),
                mnist.resolve("t10k-labels-idx1-ubyte.gz"));
             Split subset = MnistSearch.subset(all, run.options.getInt("train-records", 12_000), 11)) {
            SearchSpace space = SearchSpace.of(
                HParam.logUniform("lr", 1e-4, 3e-2),
                HParam.choice("width", 64, 256),
                HParam.choice("optimizer", "adam", "sgd"),
                HParam.constant("batch_size", 64));
            run.run(run.configure(Cerebro.search(space)
                .trainable(new DjlTrainable(Zoo.mlp()))
                .data(subset == null ? all : subset.train(), test)
                .strategy(Strategy.hyperband(run.epochs(9), 3))
                .objective(Objective.maximize("accuracy")), 11).build(), null);
        }
    }
}
