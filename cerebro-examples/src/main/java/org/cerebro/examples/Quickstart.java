package org.cerebro.examples;

import java.nio.file.Path;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Split;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;

/**
 * The README's first sample: a grid over DJL MLPs (width x learning rate) on MNIST, on the local
 * CPU workers. Defaults: 2 epochs on 12,000 training images, scored on the 10,000 test images.
 *
 * <pre>
 * java @jvm.options -cp ... org.cerebro.examples.Quickstart [--epochs 2] [--train-records 12000] [--workers N]
 *     [--seed 1] [--data DIR] [--experiment-dir DIR] [--report FILE.html] [--summary-json FILE]
 * </pre>
 */
public final class Quickstart {
    private Quickstart() {
    }

    public static void main(String[] args) {
        ExampleRun run = new ExampleRun(args, "train-records");
        Path mnist = run.mnistData().resolve("mnist");
        try (Dataset all = Datasets.idx(mnist.resolve("train-images-idx3-ubyte.gz"),
                mnist.resolve("train-labels-idx1-ubyte.gz"));
             Dataset test = Datasets.idx(mnist.resolve("t10k-images-idx3-ubyte.gz"),
                mnist.resolve("t10k-labels-idx1-ubyte.gz"));
             Split subset = MnistSearch.subset(all, run.options.getInt("train-records", 12_000), 1)) {
            Dataset train = subset == null ? all : subset.train();
            SearchSpace space = SearchSpace.of(
                HParam.choice("width", 64, 256),
                HParam.choice("lr", 1e-3, 3e-3),
                HParam.constant("batch_size", 64));
            SearchResult result = run.run(run.configure(Cerebro.search(space)
                .trainable(new DjlTrainable(Zoo.mlp()))
                .data(train, test)
                .strategy(run.strategy("grid", run.epochs(2), run.trials(4)))
                .objective(Objective.maximize("accuracy")), 1).build(), null);
            System.out.println("best: " + result.best().orElseThrow().config().canonical());
        }
    }
}
