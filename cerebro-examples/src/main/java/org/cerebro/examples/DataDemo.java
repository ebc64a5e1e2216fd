package org.cerebro.examples;

import ai.djl.Model;
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
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.cerebro.data.BatchAssembler;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.LastBatch;
import org.cerebro.data.Partitions;
import org.cerebro.djl.NdBatches;
import org.cerebro.djl.PyTorchEngine;

/**
 * The data layer end to end on MNIST: load the gzip IDX files off-heap, partition them with a
 * seed as MOP would across workers, and train a linear model for one pass over one partition
 * with batches assembled straight from that partition.
 *
 * <pre>
 * java @jvm.options -cp ... org.cerebro.examples.DataDemo [--data DIR] [--workers N] [--seed S]
 * </pre>
 */
public final class DataDemo {
    private DataDemo() {
    }

    public static void main(String[] args) {
        Options options = new Options(args, Set.of("data", "workers", "seed"));
        String data = options.get("data");
        int workers = options.getInt("workers", 4);
        long seed = options.getLong("seed", 42);
        Path mnist = DataDir.resolve(data).resolve("mnist");

        long start = System.nanoTime();
        try (Dataset train = Datasets.idx(mnist.resolve("train-images-idx3-ubyte.gz"),
                mnist.resolve("train-labels-idx1-ubyte.gz"));
             Partitions parts = train.partition(workers, seed)) {
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("loaded %s: %d records x %d features, %d classes, %.1f MB off-heap, in %.2f s%n",
                train.name(), train.size(), train.featureWidth(), train.numClasses(), train.sizeInBytes() / 1e6, seconds);
            System.out.println("class counts: " + Arrays.toString(train.classCounts()));
            for (int i = 0; i < parts.count(); i++) {
                Dataset part = parts.get(i);
                System.out.printf("partition %d: %d records, class counts %s%n", i, part.size(),
                    Arrays.toString(part.classCounts()));
            }
            trainOnePass(parts.get(0));
        }
    }

    private static void trainOnePass(Dataset partition) {
        try (Model model = Model.newInstance("demo", PyTorchEngine.get().defaultDevice(), PyTorchEngine.NAME)) {
            int width = partition.featureWidth();
            model.setBlock(new SequentialBlock().add(Blocks.batchFlattenBlock(width))
                .add(Linear.builder().setUnits(partition.numClasses()).build()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
            BatchAssembler assembler = new BatchAssembler(128, width);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, width));
                int batches = LastBatch.PARTIAL.batches(partition.size(), 128);
                long correct = 0;
                for (int b = 0; b < batches; b++) {
                    try (NDManager scope = model.getNDManager().newSubManager()) {
                        int n = assembler.assemble(partition, b, LastBatch.PARTIAL);
                        NDArray x = NdBatches.features(assembler, scope, width);
                        NDArray y = NdBatches.labels(assembler, scope).toType(DataType.INT64, false);
                        // accuracy of the model as it was before this batch: a progressive validation
                        correct += trainer.evaluate(new NDList(x)).singletonOrThrow().argMax(1)
                            .eq(y).sum().getLong();
                        EasyTrain.trainBatch(trainer, new Batch(scope, new NDList(x), new NDList(y), n, null, null, b, batches));
                        trainer.step();
                    }
                }
                System.out.printf("one pass of a linear model over %s (%d batches of 128): progressive accuracy %.3f%n",
                    partition.name(), batches, correct / (double) partition.size());
            }
        }
    }
}
