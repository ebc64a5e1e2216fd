package org.cerebro.jmh;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cerebro.data.Dataset;
import org.cerebro.data.Partitions;
import org.cerebro.djl.DjlTrainable;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two trials training at once on two threads (thread-local grad mode, one intra-op thread each)
 * against one trial alone, on the zoo MLP (784-128-128-10, Adam, batch 128). Each thread makes one
 * pass over its own 5,000-image partition per operation, so samples/s = threads x 5,000 / (s/op).
 * {@code ONE_TRIAL_ONE_THREAD} is the fair baseline (the same per-worker setting);
 * {@code ONE_TRIAL_ALL_CORES} gives the lone trial every core, for reference.
 *
 * <pre>
 * java @jvm.options -jar jmh/target/benchmarks.jar ConcurrentTrainingBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ConcurrentTrainingBenchmark {
    private static final Config CONFIG = Config.of(Map.of("depth", 2, "width", 128, "optimizer", "adam", "lr", 1e-3,
        "batch_size", 128));
    private static final DataSpec MNIST = new DataSpec(784, 10);

    /** How many trials train at once, and with how many intra-op threads each. */
    public enum Setting { ONE_TRIAL_ONE_THREAD, ONE_TRIAL_ALL_CORES, TWO_TRIALS_ONE_THREAD_EACH }

    @Param
    Setting setting;

    private Dataset test;
    private Partitions parts;
    private TrainableState first;
    private TrainableState second;
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setUp() {
        PyTorchEngine.configureForWorkers(setting == Setting.ONE_TRIAL_ALL_CORES ? 1 : 2);
        test = BenchData.mnistTest();
        parts = test.partition(2, 1);
        DjlTrainable trainable = new DjlTrainable(Zoo.mlp());
        first = trainable.init(CONFIG, 1, MNIST);
        second = trainable.init(CONFIG, 2, MNIST);
        pool = Executors.newFixedThreadPool(2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown();
        first.close();
        second.close();
        test.close();
    }

    @Benchmark
    public double train() throws Exception {
        if (setting != Setting.TWO_TRIALS_ONE_THREAD_EACH) {
            return pool.submit(() -> first.trainPass(parts.get(0))).get();
        }
        Future<Double> a = pool.submit(() -> first.trainPass(parts.get(0)));
        Future<Double> b = pool.submit(() -> second.trainPass(parts.get(1)));
        return a.get() + b.get();
    }
}
