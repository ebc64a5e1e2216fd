package org.cerebro;

import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.train.MlpTrainableTest;

/** Test data for searches, shared with the trainable's tests. */
final class MlpTrainableTestData {
    private MlpTrainableTestData() {
    }

    static Dataset blobs(int n, long seed) {
        return MlpTrainableTest.blobs(n, seed);
    }

    static Dataset narrow() {
        return Datasets.fromArrays(new float[][] {{1}, {2}}, new int[] {0, 1}, 2);
    }
}
