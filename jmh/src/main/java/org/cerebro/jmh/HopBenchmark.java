package org.cerebro.jmh;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cerebro.data.Dataset;
import org.cerebro.djl.DjlTrainable;
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
 * The cost of a hop (export the complete state to bytes, rebuild the model from them) for MLPs
 * of about 1M (width 700) and 10M (width 2800) parameters with Adam, whose state is three floats
 * per parameter; and, in the same run, one sub-epoch of the same model over a quarter of MNIST's
 * training set (15,000 images), to express the hop as a fraction of the work it moves between.
 * GB/s = state bytes (printed by the setup) / hop time.
 *
 * <pre>
 * java @jvm.options -jar jmh/target/benchmarks.jar HopBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class HopBenchmark {
    private static final DataSpec MNIST = new DataSpec(784, 10);

    /** Hidden width: 700 gives 1.04M parameters, 2800 gives 10.07M. */
    @Param({"700", "2800"})
    int width;

    private Config config;
    private DjlTrainable trainable;
    private TrainableState state;
    private Dataset train;
    private Dataset quarter;

    @Setup(Level.Trial)
    public void setUp() {
        config = Config.of(Map.of("depth", 2, "width", width, "optimizer", "adam", "lr", 1e-3, "batch_size", 128));
        trainable = new DjlTrainable(Zoo.mlp());
        state = trainable.init(config, 1, MNIST);
        long parameters = 784L * width + width + (long) width * width + width + width * 10L + 10;
        System.out.printf("%nwidth=%d parameters=%d state bytes=%d%n", width, parameters, state.toBytes().length);
        train = BenchData.mnistTrain();
        quarter = train.partition(4, 1).get(0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        state.close();
        train.close();
    }

    /** Export plus import: what one hop costs the worker that receives the trial. */
    @Benchmark
    public int hop() {
        byte[] bytes = state.toBytes();
        state.close();
        state = trainable.restore(config, MNIST, bytes);
        return bytes.length;
    }

    /** One sub-epoch over a quarter of MNIST: the work between two hops with 4 workers. */
    @Benchmark
    public double subEpoch() {
        return state.trainPass(quarter);
    }
}
