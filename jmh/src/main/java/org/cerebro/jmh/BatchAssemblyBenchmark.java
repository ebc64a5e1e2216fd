package org.cerebro.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.cerebro.data.BatchAssembler;
import org.cerebro.data.Dataset;
import org.cerebro.data.DatasetBuilder;
import org.cerebro.data.LastBatch;
import org.cerebro.data.Shuffle;
import org.cerebro.data.Storage;
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
 * Mini-batch assembly (batch 128, MNIST's 784 features) from an off-heap partition, against a
 * plain memory copy of the same number of feature bytes from the same partition in the same run.
 * Every operation is one batch; the ratio of throughputs {@code assemble / plainCopy} is the
 * figure to report (target at least 0.5).
 *
 * <pre>
 * java @jvm.options -jar jmh/target/benchmarks.jar BatchAssemblyBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchAssemblyBenchmark {
    private static final int WIDTH = 784;
    private static final int BATCH = 128;

    /** Records in the partition: MNIST's 60,000 training records over 8 workers. */
    @Param("7500")
    int records;

    private Dataset partition;
    private BatchAssembler assembler;
    private int[] shuffled;
    private int batches;
    private int next;
    private UnsafeBuffer copyTarget;

    @Setup(Level.Trial)
    public void setUp() {
        DatasetBuilder builder = new DatasetBuilder("bench", WIDTH, 10, records, java.util.List.of(), Storage.direct());
        SplittableRandom random = new SplittableRandom(1);
        float[] row = new float[WIDTH];
        for (int r = 0; r < records; r++) {
            for (int c = 0; c < WIDTH; c++) {
                row[c] = random.nextInt(256) / 255f;
            }
            builder.add(row, random.nextInt(10));
        }
        partition = builder.build();
        assembler = new BatchAssembler(BATCH, WIDTH);
        shuffled = Shuffle.permutation(records, 7);
        batches = LastBatch.DROP.batches(records, BATCH);
        copyTarget = new UnsafeBuffer(ByteBuffer.allocateDirect(BATCH * WIDTH * Float.BYTES).order(ByteOrder.nativeOrder()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        partition.close();
    }

    private int nextBatch() {
        int b = next;
        next = next + 1 == batches ? 0 : next + 1;
        return b;
    }

    /** Sequential batches of the partition (its records are already shuffled once). */
    @Benchmark
    public int assemble() {
        return assembler.assemble(partition, nextBatch(), LastBatch.DROP);
    }

    /** Batches gathered through a shuffled row order (a per-epoch reshuffle). */
    @Benchmark
    public int gatherShuffled() {
        return assembler.gather(partition, shuffled, nextBatch() * BATCH, BATCH);
    }

    /** Baseline: one memcpy of a batch's feature bytes from the same region. */
    @Benchmark
    public int plainCopy() {
        int bytes = BATCH * WIDTH * Float.BYTES;
        int offset = nextBatch() * BATCH * partition.layout().stride();
        partition.records().getBytes(offset, copyTarget, 0, bytes);
        return copyTarget.getInt(0);
    }
}
