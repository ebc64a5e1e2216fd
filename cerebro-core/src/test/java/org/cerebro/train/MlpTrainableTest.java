package org.cerebro.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.space.Config;
import org.junit.jupiter.api.Test;

/** The pure-Java trainable: it learns, its state round-trips exactly, and sub-epochs compose. */
public class MlpTrainableTest {
    private final MlpTrainable trainable = new MlpTrainable();

    /** Three Gaussian blobs in 5 dimensions, {@code n} records from {@code first}. */
    public static Dataset blobs(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] x = new float[n][5];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(3);
            for (int c = 0; c < 5; c++) {
                x[i][c] = (float) (random.nextGaussian() * 0.7 + (c == y[i] ? 2 : 0));
            }
        }
        return Datasets.fromArrays(x, y, 3);
    }

    private static Config config(int hidden, double lr, int batch) {
        return Config.of(Map.of("hidden", hidden, "lr", lr, "batch_size", batch, "momentum", 0.9));
    }

    @Test
    void learnsSeparableClassesWithAndWithoutAHiddenLayer() {
        DataSpec spec = new DataSpec(5, 3);
        try (Dataset train = blobs(600, 1); Dataset validation = blobs(300, 2)) {
            for (int hidden : new int[] {0, 16}) {
                try (TrainableState state = trainable.init(config(hidden, 0.05, 16), 7, spec)) {
                    Metrics before = state.evaluate(validation);
                    for (int epoch = 0; epoch < 5; epoch++) {
                        assertTrue(Double.isFinite(state.trainPass(train)));
                    }
                    Metrics after = state.evaluate(validation);
                    assertTrue(after.accuracy() > 0.9, "hidden=" + hidden + " accuracy=" + after.accuracy());
                    assertTrue(after.loss() < before.loss(), "hidden=" + hidden + " loss " + before.loss() + " -> " + after.loss());
                }
            }
        }
    }

    @Test
    void aRestoredStateTrainsBitForBitLikeTheOriginal() {
        DataSpec spec = new DataSpec(5, 3);
        Config config = config(8, 0.05, 16);
        try (Dataset train = blobs(200, 3);
             TrainableState original = trainable.init(config, 11, spec)) {
            original.trainPass(train);
            byte[] bytes = original.toBytes();
            try (TrainableState restored = trainable.restore(config, spec, bytes)) {
                assertArrayEquals(bytes, restored.toBytes());
                original.trainPass(train);
                restored.trainPass(train);
                assertArrayEquals(original.toBytes(), restored.toBytes(),
                    "momentum buffers travel with the parameters, so training continues identically");
            }
        }
    }

    @Test
    void passesOverPartitionsInTurnEqualOnePassOverTheirConcatenation() {
        DataSpec spec = new DataSpec(5, 3);
        Config config = config(8, 0.05, 16);
        try (Dataset whole = blobs(192, 4);
             Dataset first = selectRows(whole, 0, 96);
             Dataset second = selectRows(whole, 96, 192);
             TrainableState hopping = trainable.init(config, 5, spec);
             TrainableState single = trainable.init(config, 5, spec)) {
            hopping.trainPass(first);
            TrainableState moved = trainable.restore(config, spec, hopping.toBytes()); // a hop to another worker
            moved.trainPass(second);
            single.trainPass(whole);
            assertArrayEquals(single.toBytes(), moved.toBytes(), "MOP's sequential equivalence, to the last bit");
        }
    }

    private static Dataset selectRows(Dataset data, int from, int to) {
        float[][] x = new float[to - from][data.featureWidth()];
        int[] y = new int[to - from];
        for (int r = from; r < to; r++) {
            data.copyFeatures(r, x[r - from]);
            y[r - from] = data.label(r);
        }
        return Datasets.fromArrays(x, y, data.numClasses());
    }

    @Test
    void sameSeedSameInitialStateDifferentSeedDifferentState() {
        DataSpec spec = new DataSpec(5, 3);
        Config config = config(8, 0.05, 16);
        assertArrayEquals(trainable.init(config, 1, spec).toBytes(), trainable.init(config, 1, spec).toBytes());
        assertFalse(Arrays.equals(trainable.init(config, 1, spec).toBytes(), trainable.init(config, 2, spec).toBytes()));
    }

    @Test
    void aHugeLearningRateDivergesToANonFiniteLoss() {
        try (Dataset train = blobs(200, 5);
             // weight decay with lr * l2 = 10 multiplies the weights by about -9 a step: they overflow
             TrainableState state = trainable.init(Config.of(Map.of("lr", 10.0, "l2", 1.0, "batch_size", 8)), 1,
                 new DataSpec(5, 3))) {
            double loss = 0;
            for (int i = 0; i < 20 && Double.isFinite(loss); i++) {
                loss = state.trainPass(train);
            }
            assertFalse(Double.isFinite(loss), "loss=" + loss);
            assertFalse(state.evaluate(train).isFinite());
        }
    }

    @Test
    void badStateBytesAreRejectedWithWhatWasExpected() {
        DataSpec spec = new DataSpec(5, 3);
        Config config = config(8, 0.05, 16);
        byte[] bytes = trainable.init(config, 1, spec).toBytes();
        byte[] wrongMagic = bytes.clone();
        wrongMagic[0] = 'X';
        assertTrue(assertThrows(IllegalArgumentException.class, () -> trainable.restore(config, spec, wrongMagic))
            .getMessage().contains("expected magic=0x434D4C50"));
        byte[] wrongVersion = bytes.clone();
        wrongVersion[7] = 9;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> trainable.restore(config, spec, wrongVersion))
            .getMessage().contains("expected version=1 got=9"));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> trainable.restore(config, spec, truncated))
            .getMessage().contains("truncated"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> trainable.restore(config, new DataSpec(6, 3), bytes))
            .getMessage().contains("expected inputs=6"));
        assertEquals(bytes.length, trainable.restore(config, spec, bytes).toBytes().length);
    }
}
