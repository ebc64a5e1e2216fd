package org.cerebro.examples;

import java.nio.file.Path;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Split;

/**
 * MNIST as the examples use it: the training images (or {@code trainRecords} of them, a seeded
 * choice), of which a seeded 10% is held out as the validation set trials are selected on, and the
 * 10,000 test images, touched once after the search for an honest score. Close it to free the
 * off-heap tables.
 */
final class Mnist implements AutoCloseable {
    /** The share of the training records held out for validation. */
    static final double VALIDATION_SHARE = 0.1;

    private final Dataset all;
    private final Dataset test;
    private final Split subset;
    private final Split validation;

    /** Loads from {@code dataDir}/mnist. */
    Mnist(Path dataDir, int trainRecords, long seed) {
        Path mnist = dataDir.resolve("mnist");
        if (trainRecords < 1) {
            throw new IllegalArgumentException("option=--train-records got=" + trainRecords + " expected>=1");
        }
        this.all = Datasets.idx(mnist.resolve("train-images-idx3-ubyte.gz"), mnist.resolve("train-labels-idx1-ubyte.gz"));
        this.test = Datasets.idx(mnist.resolve("t10k-images-idx3-ubyte.gz"), mnist.resolve("t10k-labels-idx1-ubyte.gz"));
        this.subset = trainRecords >= all.size() ? null : all.split(1.0 - (double) trainRecords / all.size(), seed);
        this.validation = (subset == null ? all : subset.train()).split(VALIDATION_SHARE, seed + 1);
    }

    /** The training records the trials train on. */
    Dataset train() {
        return validation.train();
    }

    /** The held-out training records trials are scored and selected on. */
    Dataset validation() {
        return validation.validation();
    }

    /** The test images: the best trials are evaluated on them once, after the search. */
    Dataset test() {
        return test;
    }

    @Override
    public void close() {
        validation.close();
        if (subset != null) {
            subset.close();
        }
        all.close();
        test.close();
    }
}
