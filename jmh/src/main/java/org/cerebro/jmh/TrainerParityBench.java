package org.cerebro.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cerebro.data.Dataset;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.PyTorchEngine;
import org.cerebro.djl.Zoo;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.TrainableState;

/**
 * The trainer against the loop a PyTorch user writes: one pass of the zoo MLP (784-128-128-10,
 * Adam lr 1e-3, mean cross-entropy) over the first 5,000 MNIST test images, through
 * {@link DjlTrainable} (DJL 0.35.1, PyTorch 2.7.1) and through
 * {@code jmh/src/main/python/plain_pytorch_pass.py} (whatever {@code python3} has torch: run when
 * {@code python3 -c "import torch"} works, else the PyTorch column is left out), at batch 64 and
 * 128 on 1 and 2 intra-op threads. Each cell: 5 warm-up passes, then the median of 15; the two
 * sides run one after the other, never at once. The ratio is PyTorch's time / the trainer's:
 * above 1 the trainer is faster.
 *
 * <pre>
 * java @jvm.options -cp jmh/target/benchmarks.jar org.cerebro.jmh.TrainerParityBench [python3]
 * </pre>
 */
public final class TrainerParityBench {
    private static final int RECORDS = 5_000;
    private static final int WARMUP = 5;
    private static final int PASSES = 15;

    private TrainerParityBench() {
    }

    public static void main(String[] args) throws Exception {
        String python = args.length > 0 ? args[0] : "python3";
        PlainPyTorch reference = new PlainPyTorch(python);
        boolean torch = reference.available();
        System.out.println(torch ? "reference: " + python + " with torch" : "no python3 with torch: trainer only");
        System.out.println("| batch | threads | DjlTrainable (ms/pass) | plain PyTorch (ms/pass) | PyTorch / trainer |");
        System.out.println("|---:|---:|---:|---:|---:|");
        PyTorchEngine.get();
        try (Dataset test = BenchData.mnistTest();
             Dataset partition = test.head(RECORDS)) {
            for (int batch : new int[] {64, 128}) {
                for (int threads : new int[] {1, 2}) {
                    ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
                    double trainer = trainerMillis(partition, batch);
                    double plain = reference.passMillis(batch, threads, RECORDS, 128, 2, WARMUP, PASSES);
                    System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %s | %s |%n", batch, threads, trainer,
                        torch ? String.format(Locale.ROOT, "%.1f", plain) : "-",
                        torch ? String.format(Locale.ROOT, "%.2f", plain / trainer) : "-");
                }
            }
        }
    }

    /** Median milliseconds per pass of the trainer over {@code partition} at {@code batch}. */
    private static double trainerMillis(Dataset partition, int batch) {
        Config config = Config.of(Map.of("depth", 2, "width", 128, "optimizer", "adam", "lr", 1e-3,
            "batch_size", batch));
        try (TrainableState state = new DjlTrainable(Zoo.mlp()).init(config, 1, new DataSpec(784, 10))) {
            for (int i = 0; i < WARMUP; i++) {
                state.trainPass(partition);
            }
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < PASSES; i++) {
                long start = System.nanoTime();
                state.trainPass(partition);
                times.add((System.nanoTime() - start) / 1e6);
            }
            times.sort(null);
            return times.get(times.size() / 2);
        }
    }
}
