package org.cerebro.jmh;

import java.util.Locale;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.data.Dataset;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.plan.Operator;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;

/**
 * The search's makespan against the compute limit: the grid of {@link LocalExecutorBench} (8 DJL
 * MLPs, width 128|256 x depth 1|2 x lr 1e-3|3e-3, Adam, batch 64, 3 epochs on all 60,000 MNIST
 * training images, {@code LocalExecutor.cpus(2)}) as a user runs it, from {@code run()} to the
 * result, against the samples to train divided by the two cores at plain PyTorch's
 * single-thread rate for each model ({@link PlainPyTorch}, over 5,000 images). Two runs: the
 * planner's choice, and MOP. Needs a {@code python3} with torch (the argument).
 *
 * <pre>
 * java @jvm.options -cp jmh/target/benchmarks.jar org.cerebro.jmh.ComputeLimitBench /usr/bin/python3
 * </pre>
 */
public final class ComputeLimitBench {
    private static final int EPOCHS = 3;

    private ComputeLimitBench() {
    }

    public static void main(String[] args) throws Exception {
        PlainPyTorch reference = new PlainPyTorch(args.length > 0 ? args[0] : "python3");
        if (!reference.available()) {
            throw new IllegalStateException("no python3 with torch: the compute limit needs plain PyTorch's rate");
        }
        SearchSpace space = LocalExecutorBench.gridSpace();
        try (Dataset train = BenchData.mnistTrain();
             Dataset test = BenchData.mnistTest()) {
            double limit = 0;
            for (int width : new int[] {128, 256}) {
                for (int depth : new int[] {1, 2}) {
                    double perSample = reference.passMillis(64, 1, 5_000, width, depth, 3, 9) / 1000 / 5_000;
                    System.out.printf(Locale.ROOT, "plain PyTorch, width %d depth %d: %.3g s/sample%n", width, depth,
                        perSample);
                    limit += 2 * EPOCHS * (double) train.size() * perSample / 2; // 2 lrs per model, 2 cores
                }
            }
            System.out.printf(Locale.ROOT, "compute limit: %.2f s%n", limit);
            for (Operator operator : new Operator[] {null, Operator.MOP}) {
                var builder = Cerebro.search(space).trainable(new DjlTrainable(Zoo.mlp())).data(train, test)
                    .strategy(Strategy.grid(EPOCHS)).objective(Objective.maximize("accuracy")).seed(1).partitions(2)
                    .executor(LocalExecutor.cpus(2)).progress(false);
                SearchResult result = (operator == null ? builder : builder.operator(operator)).run();
                double seconds = result.elapsed().toNanos() / 1e9;
                double workerSeconds = result.units().stream()
                    .mapToDouble(u -> (u.endNanos() - u.startNanos()) / 1e9).sum();
                System.out.printf(Locale.ROOT, "%s: run() to result %.2f s = %.2fx the compute limit; planned at +%.2f s;"
                    + " worker time %.2f s; best accuracy %.4f%n", result.plan().executableOperator(), seconds,
                    seconds / limit, result.stages().get(0).atSeconds(), workerSeconds,
                    result.best().map(TrialResult::lastEpoch).orElseThrow().metrics().accuracy());
            }
        }
    }
}
