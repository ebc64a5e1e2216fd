package org.cerebro.examples;

import java.nio.file.Path;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
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
        Path dataDir = run.mnistData();
        try (Mnist data = new Mnist(dataDir, run.options.getInt("train-records", 12_000), 7)) {
            SearchSpace space = SearchSpace.of(
                HParam.logUniform("lr", 1e-4, 3e-2),
                HParam.intRange("depth", 1, 3),
                HParam.choice("width", 64, 128, 256),
                HParam.constant("batch_size", 64));
            run.run(run.configure(Cerebro.search(space)
                .trainable(new DjlTrainable(Zoo.mlp()))
                .data(data.train(), data.validation())
                .test(data.test())
                .strategy(Strategy.asha(1, run.epochs(9), 3).maxTrials(run.trials(16)))
                .objective(Objective.maximize("accuracy")), 7).build());
        }
    }
}
