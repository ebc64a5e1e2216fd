package org.cerebro.examples;

import java.nio.file.Path;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Split;

/**
 * MNIST as the examples use it: the training images, or the first {@code trainRecords} of a seeded
 * shuffle of them, and the 10,000 test images to score on. Close it to free the off-heap tables.
 */
final class Mnist implements AutoCloseable {
    private final Dataset all;
    private final Dataset test;
    private final Split subset;

    /** Loads from {@code dataDir}/mnist. */
    Mnist(Path dataDir, int trainRecords, long seed) {
        Path mnist = dataDir.resolve("mnist");
        if (trainRecords < 1) {
            throw new IllegalArgumentException("option=--train-records got=" + trainRecords + " expected>=1");
        }
        this.all = Datasets.idx(mnist.resolve("train-images-idx3-ubyte.gz"), mnist.resolve("train-labels-idx1-ubyte.gz"));
        this.test = Datasets.idx(mnist.resolve("t10k-images-idx3-ubyte.gz"), mnist.resolve("t10k-labels-idx1-ubyte.gz"));
        this.subset = trainRecords >= all.size() ? null : all.split(1.0 - (double) trainRecords / all.size(), seed);
    }

    Dataset train() {
        return subset == null ? all : subset.train();
    }

    Dataset test() {
        return test;
    }

    @Override
    public void close() {
        if (subset != null) {
            subset.close();
        }
        all.close();
        test.close();
    }
}
