package org.cerebro.jmh;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cerebro.data.BatchAssembler;
import org.cerebro.data.Dataset;
import org.cerebro.data.LastBatch;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.NdBatches;
import org.cerebro.djl.PyTorchEngine;
import org.cerebro.djl.Zoo;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.TrainableState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One pass (a sub-epoch) of the zoo MLP (784-128-128-10, Adam, batch 64) over 5,000 MNIST test
 * images: through {@link DjlTrainable} against a hand-written DJL loop ({@code EasyTrain.trainBatch}
 * and {@code Trainer.step}) over the same batches, assembled the same way, in the same run. The
 * ratio {@code easyTrain / trainable} of the times per pass is the Trainable's relative
 * throughput (target at least 0.95).
 *
 * <pre>
 * java @jvm.options -jar jmh/target/benchmarks.jar DjlTrainingBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class DjlTrainingBenchmark {
    private static final Config CONFIG = Config.of(Map.of("depth", 2, "width", 128, "optimizer", "adam", "lr", 1e-3,
        "batch_size", 64));
    private static final DataSpec MNIST = new DataSpec(784, 10);

    private Dataset test;
    private Dataset partition;
    private TrainableState state;
    private Model model;
    private Trainer trainer;
    private BatchAssembler assembler;

    @Setup(Level.Trial)
    public void setUp() {
        test = BenchData.mnistTest();
        partition = test.partition(2, 1).get(0);
        state = new DjlTrainable(Zoo.mlp()).init(CONFIG, 1, MNIST);
        model = Model.newInstance("easytrain", PyTorchEngine.get().defaultDevice(), PyTorchEngine.NAME);
        model.setBlock(Zoo.mlp().build(CONFIG, MNIST));
        trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build()));
        trainer.initialize(Zoo.mlp().inputShape(CONFIG, MNIST));
        assembler = new BatchAssembler(64, 784);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        state.close();
        trainer.close();
        model.close();
        test.close();
    }

    /** The Trainable: thread-local grad mode, hoppable Adam, a sub-manager per batch. */
    @Benchmark
    public double trainable() {
        return state.trainPass(partition);
    }

    /** Baseline: DJL's own training loop on the same model and batches. */
    @Benchmark
    public int easyTrain() {
        int batches = LastBatch.PARTIAL.batches(partition.size(), 64);
        for (int b = 0; b < batches; b++) {
            try (NDManager scope = model.getNDManager().newSubManager()) {
                int n = assembler.assemble(partition, b, LastBatch.PARTIAL);
                NDArray x = NdBatches.features(assembler, scope, 784);
                NDArray y = NdBatches.labels(assembler, scope).toType(DataType.INT64, false);
                EasyTrain.trainBatch(trainer, new Batch(scope, new NDList(x), new NDList(y), n, null, null, b, batches));
                trainer.step();
            }
        }
        return batches;
    }
}
