package org.cerebro.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.cerebro.data.BatchAssembler;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.LastBatch;
import org.cerebro.data.Partitions;
import org.cerebro.testing.TestData;
import org.junit.jupiter.api.Test;

/** The PyTorch engine starts offline and trains one step on a batch from an off-heap partition. */
class EngineSmokeTest {

    private static float batchLoss(Trainer trainer, NDArray x, NDList labels) {
        NDList predictions = trainer.evaluate(new NDList(x));
        return trainer.getLoss().evaluate(labels, predictions).getFloat();
    }

    @Test
    void oneTrainingStepOnABatchFromAnOffHeapMnistPartition() {
        Engine engine = PyTorchEngine.get();
        assertEquals("PyTorch", engine.getEngineName());
        assertEquals("true", System.getProperty("ai.djl.offline"));

        try (Dataset test = Datasets.idx(TestData.file("mnist", "t10k-images-idx3-ubyte.gz"),
                TestData.file("mnist", "t10k-labels-idx1-ubyte.gz"));
             Partitions parts = test.partition(4, 42);
             Model model = Model.newInstance("smoke", engine.defaultDevice(), PyTorchEngine.NAME)) {
            Dataset partition = parts.get(1);
            BatchAssembler assembler = new BatchAssembler(128, 784);
            assembler.assemble(partition, 0, LastBatch.PARTIAL);

            model.setBlock(new SequentialBlock()
                .add(Blocks.batchFlattenBlock(784))
                .add(Linear.builder().setUnits(10).build()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.5f)).build());
            try (Trainer trainer = model.newTrainer(config); NDManager manager = model.getNDManager().newSubManager()) {
                trainer.initialize(new Shape(1, 784));
                NDArray x = NdBatches.features(assembler, manager, 784);
                NDArray y = NdBatches.labels(assembler, manager);
                assertEquals(new Shape(128, 784), x.getShape());
                assertEquals(DataType.INT32, y.getDataType());
                assertEquals(partition.feature(0, 300), x.getFloat(0, 300));
                assertEquals(partition.label(5), y.getInt(5));

                NDList labels = new NDList(y.toType(DataType.INT64, false));
                float lossBefore = batchLoss(trainer, x, labels);
                NDArray before = model.getBlock().getParameters().valueAt(0).getArray().duplicate();
                Batch batch = new Batch(manager, new NDList(x), labels, 128, null, null, 0, 1);
                EasyTrain.trainBatch(trainer, batch);
                trainer.step();
                NDArray after = model.getBlock().getParameters().valueAt(0).getArray();
                float lossAfter = batchLoss(trainer, x, labels);
                assertNotEquals(0f, before.sub(after).abs().sum().getFloat(), "one SGD step moved the weights");
                assertTrue(Float.isFinite(lossBefore) && lossAfter < lossBefore,
                    "one step lowers the batch loss: before=" + lossBefore + " after=" + lossAfter);
            }
        }
    }
}
