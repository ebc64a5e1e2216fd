package org.cerebro.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Split;
import org.cerebro.space.Config;
import org.cerebro.testing.TestData;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.TrainableState;
import org.junit.jupiter.api.Test;

/** The DJL trainable: it learns, fails clearly, survives divergence, leaks nothing, trains concurrently. */
class DjlTrainableTest {
    private static final DataSpec MNIST = new DataSpec(784, 10);
    private static final Config SMALL_MLP = Config.of(Map.of("depth", 1, "width", 32, "batch_size", 64));

    private static void assertMessage(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks [" + part + "]: " + e.getMessage());
        }
    }

    @Test
    void anMlpLearnsMnistToNinetyPercentInOneEpochOnTenThousandImages() {
        try (Dataset train = Datasets.idx(TestData.file("mnist", "train-images-idx3-ubyte.gz"),
                TestData.file("mnist", "train-labels-idx1-ubyte.gz"));
             Split subset = train.split(1.0 - 10_000 / 60_000.0, 1);
             TrainableState state = new DjlTrainable(Zoo.mlp()).init(
                 Config.of(Map.of("depth", 2, "width", 128, "lr", 1e-3, "batch_size", 64)), 1, MNIST)) {
            assertEquals(10_000, subset.train().size());
            double loss = state.trainPass(subset.train());
            Metrics metrics = state.evaluate(MnistFixture.test());
            assertTrue(Double.isFinite(loss));
            assertTrue(metrics.accuracy() >= 0.90, "test accuracy after one epoch on 10k: " + metrics);
        }
    }

    @Test
    void aModelWhoseInputDoesNotFitTheDataIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new DjlTrainable(Zoo.lenet()).init(Config.of(Map.of()), 1, new DataSpec(105, 2)));
        assertMessage(e, "model=lenet", "input shape=(1, 1, 28, 28)", "784 features", "featureWidth=105");
    }

    /** Always three outputs, whatever the data: a user's factory with a bug. */
    static final class ThreeClasses implements ModelFactory {
        @Override
        public String name() {
            return "three";
        }

        @Override
        public Block build(Config config, DataSpec data) {
            return new SequentialBlock().add(Blocks.batchFlattenBlock(data.featureWidth()))
                .add(Linear.builder().setUnits(3).build());
        }

        @Override
        public Shape inputShape(Config config, DataSpec data) {
            return new Shape(1, data.featureWidth());
        }
    }

    @Test
    void aModelWhoseClassesDoNotMatchTheLabelsIsRefused() {
        Dataset validation = MnistFixture.smallValidation(); // the data first: without it the test is skipped here
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new DjlTrainable(new ThreeClasses()).init(Config.of(Map.of()), 1, MNIST));
        assertMessage(e, "model=three", "has 3 classes", "numClasses=10");
        try (TrainableState state = new DjlTrainable(Zoo.mlp()).init(SMALL_MLP, 1, new DataSpec(784, 2))) {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> state.trainPass(validation)),
                "numClasses=10", "numClasses<=2");
        }
    }

    @Test
    void unknownOptimizersLossesAndActivationsAreNamed() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new DjlTrainable(Zoo.mlp())
            .init(Config.of(Map.of("optimizer", "rmsprop")), 1, MNIST)), "optimizer=\"rmsprop\"", "[adam, sgd]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new DjlTrainable(Zoo.mlp())
            .init(Config.of(Map.of("loss", "hinge")), 1, MNIST)), "loss=\"hinge\"");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new DjlTrainable(Zoo.mlp())
            .init(Config.of(Map.of("activation", "swish")), 1, MNIST)), "activation=\"swish\"");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Zoo.byName("resnet")), "resnet", "[mlp, lenet]");
    }

    @Test
    void stateBytesOfAnotherModelOrFormatAreRefused() {
        byte[] mlpBytes;
        try (TrainableState state = new DjlTrainable(Zoo.mlp()).init(SMALL_MLP, 1, MNIST)) {
            mlpBytes = state.toBytes();
        }
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> new DjlTrainable(Zoo.lenet()).restore(Config.of(Map.of()), MNIST, mlpBytes)),
            "state is of model=mlp", "expected model=lenet");
        byte[] garbage = mlpBytes.clone();
        garbage[1] = 0;
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> new DjlTrainable(Zoo.mlp()).restore(SMALL_MLP, MNIST, garbage)), "expected magic=0x43444A4C");
        byte[] truncated = java.util.Arrays.copyOf(mlpBytes, mlpBytes.length / 2);
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> new DjlTrainable(Zoo.mlp()).restore(SMALL_MLP, MNIST, truncated)), "truncated or corrupt");
    }

    @Test
    void divergenceReturnsANonFiniteLossAndKeepsTheLastGoodState() {
        Config exploding = Config.of(Map.of("optimizer", "sgd", "lr", 1e30, "momentum", 0.0, "depth", 1, "width", 32));
        try (TrainableState state = new DjlTrainable(Zoo.mlp()).init(exploding, 1, MNIST)) {
            double loss = 0;
            for (int i = 0; i < 4 && Double.isFinite(loss); i++) {
                loss = state.trainPass(MnistFixture.smallPartitions().get(i));
            }
            assertFalse(Double.isFinite(loss), "loss=" + loss);
            for (NDArray parameter : ((DjlState) state).parameters()) {
                for (float value : parameter.toFloatArray()) {
                    assertTrue(Float.isFinite(value), "the diverging update was not applied");
                }
            }
        }
    }

    @Test
    void aThousandUnitsLeaveLiveArraysAndNativeMemoryFlat() throws Exception {
        try (Dataset tiny = MnistFixture.smallPartitions().get(0).partition(7, 1).get(0);
             TrainableState state = new DjlTrainable(Zoo.mlp()).init(SMALL_MLP, 1, MNIST)) {
            DjlState djl = (DjlState) state;
            for (int i = 0; i < 100; i++) {
                state.trainPass(tiny);
            }
            state.evaluate(tiny);
            int arrays = djl.liveArrays();
            long rss = nativeResidentBytes();
            for (int i = 0; i < 1000; i++) {
                state.trainPass(tiny);
            }
            state.evaluate(tiny);
            long growth = nativeResidentBytes() - rss;
            assertEquals(arrays, djl.liveArrays(), "live NDArrays after 1,000 more units");
            // a leaked batch would be about 225 KB a unit, 220 MB over the run
            assertTrue(growth < 32L << 20, "resident memory outside the Java heap grew by " + (growth >> 20)
                + " MiB over 1,000 units");
        }
    }

    /** Resident memory minus the Java heap's committed size, after a GC: native memory, mostly. */
    private static long nativeResidentBytes() throws Exception {
        System.gc();
        long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        return residentBytes() - heap;
    }

    private static long residentBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void twoTrialsTrainingAtOnceOnTwoThreadsEachMatchTrainingAlone() throws Exception {
        for (GradientMode mode : GradientMode.values()) {
            DjlTrainable trainable = new DjlTrainable(Zoo.mlp()).withGradientMode(mode);
            List<Config> configs = List.of(SMALL_MLP, Config.of(Map.of("depth", 2, "width", 16, "optimizer", "sgd")));
            byte[][] alone = new byte[2][];
            for (int t = 0; t < 2; t++) {
                alone[t] = trainAll(trainable, configs.get(t), t);
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<byte[]>> together = List.of(
                    pool.submit(() -> trainAll(trainable, configs.get(0), 0)),
                    pool.submit(() -> trainAll(trainable, configs.get(1), 1)));
                for (int t = 0; t < 2; t++) {
                    assertArrayEquals(alone[t], together.get(t).get(), mode + " trial " + t);
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    private static byte[] trainAll(DjlTrainable trainable, Config config, long seed) {
        try (TrainableState state = trainable.init(config, seed, MNIST)) {
            for (Dataset partition : MnistFixture.smallPartitions().all()) {
                state.trainPass(partition);
            }
            return state.toBytes();
        }
    }

    @Test
    void aSearchRunsOnTheDjlTrainableAndFailsDivergingTrialsOnly() {
        org.cerebro.SearchResult result = org.cerebro.Cerebro.search(org.cerebro.space.SearchSpace.of(
                org.cerebro.space.HParam.choice("lr", 0.05, 1e30), org.cerebro.space.HParam.constant("optimizer", "sgd"),
                org.cerebro.space.HParam.constant("width", 32), org.cerebro.space.HParam.constant("depth", 1)))
            .trainable(new DjlTrainable(Zoo.mlp()))
            .data(MnistFixture.smallPartitions().get(0), MnistFixture.smallValidation())
            .strategy(org.cerebro.strategy.Strategy.grid(2))
            .objective(org.cerebro.Objective.maximize("accuracy"))
            .partitions(2)
            .run();
        assertEquals(2, result.trials().size());
        assertEquals(1, result.failures().size(), result.leaderboardTable(2));
        assertTrue(result.failures().get(0).failure().contains("training loss="), result.failures().get(0).failure());
        assertTrue(result.best().orElseThrow().lastEpoch().metrics().accuracy() > 0.5, result.leaderboardTable(2));
        assertEquals("djl-mlp", result.best().orElseThrow().provenance().trainable());
    }

    @Test
    void workersSplitTheCores() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.max(1, cores / 2), PyTorchEngine.configureForWorkers(2));
        assertEquals(cores, PyTorchEngine.configureForWorkers(1));
        assertThrows(IllegalArgumentException.class, () -> PyTorchEngine.configureForWorkers(0));
    }
}
