package org.cerebro.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Partitions;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.runtime.VisitOrder;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.TrainableState;

/**
 * Trains the zoo's MLP and LeNet on all of MNIST the way MOP would (the training set in 4
 * partitions, each epoch visiting them in a seeded order, the state moving between them as bytes)
 * and prints the test accuracy after every epoch.
 *
 * <pre>
 * java @jvm.options -cp ... org.cerebro.examples.DjlMnistAccuracy [--data DIR] [--model mlp|lenet|both]
 *     [--epochs N]
 * </pre>
 */
public final class DjlMnistAccuracy {
    private DjlMnistAccuracy() {
    }

    public static void main(String[] args) {
        Options options = new Options(args, Set.of("data", "model", "epochs"));
        Path mnist = DataDir.resolve(options.get("data")).resolve("mnist");
        String which = options.get("model", "both");
        try (Dataset train = Datasets.idx(mnist.resolve("train-images-idx3-ubyte.gz"), mnist.resolve("train-labels-idx1-ubyte.gz"));
             Dataset test = Datasets.idx(mnist.resolve("t10k-images-idx3-ubyte.gz"), mnist.resolve("t10k-labels-idx1-ubyte.gz"));
             Partitions parts = train.partition(4, 42)) {
            if (which.equals("mlp") || which.equals("both")) {
                run("mlp", Config.of(Map.of("depth", 2, "width", 256, "optimizer", "adam", "lr", 1e-3, "batch_size", 64)),
                    parts, test, options.getInt("epochs", 6));
            }
            if (which.equals("lenet") || which.equals("both")) {
                run("lenet", Config.of(Map.of("filters", 16, "optimizer", "adam", "lr", 1e-3, "batch_size", 64)),
                    parts, test, options.getInt("epochs", 6));
            }
        }
    }

    private static void run(String model, Config config, Partitions parts, Dataset test, int epochs) {
        DjlTrainable trainable = new DjlTrainable(Zoo.byName(model));
        DataSpec spec = new DataSpec(test.featureWidth(), test.numClasses());
        TrainableState state = trainable.init(config, 1, spec);
        long start = System.nanoTime();
        try {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                List<Integer> order = VisitOrder.of(42, 0, epoch, parts.count());
                for (int p : order) {
                    state.trainPass(parts.get(p));
                    byte[] hop = state.toBytes();          // the model hops to the next partition's worker
                    state.close();
                    state = trainable.restore(config, spec, hop);
                }
                Metrics metrics = state.evaluate(test);
                System.out.printf("%s epoch %d: test accuracy %.4f loss %.4f (%.0f s)%n", model, epoch, metrics.accuracy(),
                    metrics.loss(), (System.nanoTime() - start) / 1e9);
            }
        } finally {
            state.close();
        }
    }
}
