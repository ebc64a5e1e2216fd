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
        Path dataDir = run.mnistData();
        try (Mnist data = new Mnist(dataDir, run.options.getInt("train-records", 12_000), 11)) {
            SearchSpace space = SearchSpace.of(
                HParam.logUniform("lr", 1e-4, 3e-2),
                HParam.choice("width", 64, 256),
                HParam.choice("optimizer", "adam", "sgd"),
                HParam.constant("batch_size", 64));
            run.run(run.configure(Cerebro.search(space)
                .trainable(new DjlTrainable(Zoo.mlp()))
                .data(data.train(), data.validation())
                .test(data.test())
                .strategy(Strategy.hyperband(run.epochs(9), 3))
                .objective(Objective.maximize("accuracy")), 11).build());
        }
    }
}
