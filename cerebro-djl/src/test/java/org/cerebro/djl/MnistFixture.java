package org.cerebro.djl;

import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Partitions;
import org.cerebro.data.Split;
import org.cerebro.testing.TestData;

/** MNIST's test set, loaded once per JVM, with a small training subset cut into partitions. */
final class MnistFixture {
    static final Dataset TEST;
    /** 2,000 records of the test set in 4 seeded partitions of 500. */
    static final Partitions SMALL_PARTITIONS;
    static final Dataset SMALL_VALIDATION;

    static {
        TEST = Datasets.idx(TestData.file("mnist", "t10k-images-idx3-ubyte.gz"),
            TestData.file("mnist", "t10k-labels-idx1-ubyte.gz"));
        Split split = TEST.split(0.2, 11);
        SMALL_PARTITIONS = split.validation().partition(4, 3);
        SMALL_VALIDATION = split.train();
    }

    private MnistFixture() {
    }
}
