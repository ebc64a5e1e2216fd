package org.cerebro.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.cerebro.data.BatchAssembler;
import org.cerebro.data.Dataset;
import org.cerebro.data.LastBatch;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.TrainableState;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The test that defines model hopper parallelism: a trial trained over partitions P1..Pk with a
 * hop between every two (state exported to bytes, model destroyed, rebuilt from the bytes on
 * another thread) ends with exactly the parameters and optimizer state of the same trial trained
 * without interruption over the same batches in the same order.
 */
class HopEquivalenceTest {
    private static final DataSpec MNIST = new DataSpec(784, 10);
    private static final DjlTrainable MLP = new DjlTrainable(Zoo.mlp());

    private static Config config(String optimizer) {
        return Config.of(Map.of("optimizer", optimizer, "lr", optimizer.equals("adam") ? 1e-3 : 0.05,
            "momentum", 0.9, "weight_decay", 1e-4, "batch_size", 64, "depth", 1, "width", 64));
    }

    /** Trains uninterrupted and with hops; fails unless both end bit-identical. */
    private static void assertHopsTrainLikeOneDevice(DjlTrainable trainable, Config config,
                                                     UnaryOperator<TrainableState> afterHop) throws Exception {
        List<Dataset> partitions = MnistFixture.smallPartitions().all();
        int[] order = {2, 0, 3, 1};
        byte[] uninterrupted;
        try (TrainableState state = trainable.init(config, 99, MNIST)) {
            for (int p : order) {
                state.trainPass(partitions.get(p));
            }
            uninterrupted = state.toBytes();
        }
        byte[] hopped;
        TrainableState state = trainable.init(config, 99, MNIST);
        state.trainPass(partitions.get(order[0]));
        for (int i = 1; i < order.length; i++) {
            byte[] bytes = state.toBytes();
            state.close(); // the model is destroyed: only the bytes travel
            Dataset next = partitions.get(order[i]);
            ExecutorService worker = Executors.newSingleThreadExecutor();
            try {
                state = worker.submit(() -> {
                    TrainableState moved = afterHop.apply(trainable.restore(config, MNIST, bytes));
                    moved.trainPass(next);
                    return moved;
                }).get();
            } finally {
                worker.shutdown();
            }
        }
        hopped = state.toBytes();
        state.close();
        assertParametersEqual(trainable, config, uninterrupted, hopped);
        assertArrayEquals(uninterrupted, hopped, "parameters and optimizer state, byte for byte");
    }

    /** Compares element by element first, so a failure names the first parameter that differs. */
    private static void assertParametersEqual(DjlTrainable trainable, Config config, byte[] expected, byte[] actual) {
        try (TrainableState a = trainable.restore(config, MNIST, expected);
             TrainableState b = trainable.restore(config, MNIST, actual)) {
            List<NDArray> pa = ((DjlState) a).parameters();
            List<NDArray> pb = ((DjlState) b).parameters();
            for (int i = 0; i < pa.size(); i++) {
                float[] x = pa.get(i).toFloatArray();
                float[] y = pb.get(i).toFloatArray();
                for (int j = 0; j < x.length; j++) {
                    if (Float.floatToIntBits(x[j]) != Float.floatToIntBits(y[j])) {
                        throw new AssertionFailedError("parameter " + i + " element " + j + " differs: uninterrupted="
                            + x[j] + " hopped=" + y[j]);
                    }
                }
            }
        }
    }

    @Test
    void adamHopsTrainBitForBitLikeOneDevice() throws Exception {
        assertHopsTrainLikeOneDevice(MLP, config("adam"), UnaryOperator.identity());
    }

    @Test
    void sgdWithMomentumHopsTrainBitForBitLikeOneDevice() throws Exception {
        assertHopsTrainLikeOneDevice(MLP, config("sgd"), UnaryOperator.identity());
    }

    @Test
    void aLeNetWithAdamHopsTrainBitForBitLikeOneDevice() throws Exception {
        Config config = Config.of(Map.of("optimizer", "adam", "lr", 1e-3, "batch_size", 100));
        DjlTrainable lenet = new DjlTrainable(Zoo.lenet());
        byte[][] results = new byte[2][];
        for (int run = 0; run < 2; run++) {
            try (TrainableState state = lenet.init(config, 5, MNIST)) {
                state.trainPass(MnistFixture.smallPartitions().get(0));
                if (run == 1) {
                    byte[] bytes = state.toBytes();
                    try (TrainableState moved = lenet.restore(config, MNIST, bytes)) {
                        moved.trainPass(MnistFixture.smallPartitions().get(1));
                        results[run] = moved.toBytes();
                    }
                } else {
                    state.trainPass(MnistFixture.smallPartitions().get(1));
                    results[run] = state.toBytes();
                }
            }
        }
        assertArrayEquals(results[0], results[1]);
    }

    @Test
    void theTestFailsWhenTheHopDropsTheOptimizerState() {
        MnistFixture.smallPartitions(); // skipped (or failed under CI) here without the data, not inside assertThrows
        for (String optimizer : List.of("adam", "sgd")) {
            assertThrows(AssertionFailedError.class, () -> assertHopsTrainLikeOneDevice(MLP, config(optimizer), moved -> {
                ((DjlState) moved).optimizer().reset(); // a hop that carries parameters only
                return moved;
            }), optimizer + ": dropping the optimizer state must be detected");
        }
    }

    /** Our optimizers against DJL's own Trainer, Adam and Sgd, on an uninterrupted run. */
    @Test
    void theOptimizersMatchDjlsOwnAdamAndSgd() throws Exception {
        for (String name : List.of("adam", "sgd")) {
            Config config = config(name);
            TrainingSettings settings = TrainingSettings.of(config);
            Dataset partition = MnistFixture.smallPartitions().get(0);
            try (TrainableState ours = MLP.init(config, 7, MNIST);
                 Model model = Model.newInstance("reference", PyTorchEngine.NAME)) {
                model.setBlock(Zoo.mlp().build(config, MNIST));
                Optimizer optimizer = name.equals("adam")
                    ? Optimizer.adam().optLearningRateTracker(Tracker.fixed(settings.learningRate()))
                        .optWeightDecays(settings.weightDecay()).build()
                    : Optimizer.sgd().setLearningRateTracker(Tracker.fixed(settings.learningRate()))
                        .optMomentum(settings.momentum()).optWeightDecays(settings.weightDecay()).build();
                try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer))) {
                    // the same seed and the same initialisation sequence give the same initial parameters
                    model.getNDManager().getEngine().setRandomSeed(7);
                    trainer.initialize(Zoo.mlp().inputShape(config, MNIST));
                    for (int i = 0; i < ((DjlState) ours).parameters().size(); i++) {
                        assertArrayEquals(((DjlState) ours).parameters().get(i).toFloatArray(),
                            model.getBlock().getParameters().valueAt(i).getArray().toFloatArray(), "initial parameter " + i);
                    }
                    ours.trainPass(partition);
                    BatchAssembler assembler = new BatchAssembler(settings.batchSize(), 784);
                    for (int b = 0; b < LastBatch.PARTIAL.batches(partition.size(), settings.batchSize()); b++) {
                        try (NDManager scope = model.getNDManager().newSubManager()) {
                            int n = assembler.assemble(partition, b, LastBatch.PARTIAL);
                            NDArray x = NdBatches.features(assembler, scope, 784);
                            NDArray y = NdBatches.labels(assembler, scope).toType(DataType.INT64, false);
                            EasyTrain.trainBatch(trainer, new Batch(scope, new NDList(x), new NDList(y), n, null, null, b, 0));
                            trainer.step();
                        }
                    }
                    List<NDArray> mine = ((DjlState) ours).parameters();
                    var theirs = model.getBlock().getParameters().values();
                    for (int i = 0; i < mine.size(); i++) {
                        assertArrayEquals(theirs.get(i).getArray().toFloatArray(), mine.get(i).toFloatArray(),
                            name + " parameter " + i + " after one pass");
                    }
                }
            }
        }
    }
}
