package org.cerebro.examples;

import java.nio.file.Path;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
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
        Path dataDir = run.mnistData();
        try (Mnist data = new Mnist(dataDir, run.options.getInt("train-records", 12_000), 1)) {
            SearchSpace space = SearchSpace.of(
                HParam.choice("width", 64, 256),
                HParam.choice("lr", 1e-3, 3e-3),
                HParam.constant("batch_size", 64));
            SearchResult result = run.run(run.configure(Cerebro.search(space)
                .trainable(new DjlTrainable(Zoo.mlp()))
                .data(data.train(), data.validation())
                .test(data.test())
                .strategy(run.strategy("grid", run.epochs(2), run.trials(4)))
                .objective(Objective.maximize("accuracy")), 1).build());
            System.out.println("best: " + org.cerebro.report.Format.config(result.best().orElseThrow().config()));
        }
    }
}
