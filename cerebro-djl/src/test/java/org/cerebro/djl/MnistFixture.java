package org.cerebro.djl;

import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Partitions;
import org.cerebro.data.Split;
import org.cerebro.testing.TestData;

/**
 * MNIST's test set, loaded once per JVM when a test first asks for it (not in a static
 * initializer: without the data a test is then skipped, or fails under CI, instead of erroring
 * with an ExceptionInInitializerError), with a small training subset cut into partitions.
 */
final class MnistFixture {
    private static Dataset test;
    private static Partitions smallPartitions;
    private static Dataset smallValidation;

    private MnistFixture() {
    }

    private static synchronized void load() {
        if (test == null) {
            Dataset loaded = Datasets.idx(TestData.file("mnist", "t10k-images-idx3-ubyte.gz"),
                TestData.file("mnist", "t10k-labels-idx1-ubyte.gz"));
            Split split = loaded.split(0.2, 11);
            smallPartitions = split.validation().partition(4, 3);
            smallValidation = split.train();
            test = loaded;
        }
    }

    /** The 10,000 test images. */
    static Dataset test() {
        load();
        return test;
    }

    /** 2,000 records of the test set in 4 seeded partitions of 500. */
    static Partitions smallPartitions() {
        load();
        return smallPartitions;
    }

    /** The other 8,000 records, to validate on. */
    static Dataset smallValidation() {
        load();
        return smallValidation;
    }
}
