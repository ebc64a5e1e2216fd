package org.cerebro.jmh;

import java.util.List;
import java.util.Locale;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.exec.Executor;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;

/**
 * A bench harness (one run, ratios against baselines in the same run): a grid of 8 MLP configs
 * (width 128|256 x depth 1|2 x lr 1e-3|3e-3, Adam, batch 64) for 3 epochs on all of MNIST with
 * the DJL trainable, run by the sequential executor and by the local executor with 2 CPU
 * workers (fixed order twice, then free order), all over 2 partitions so the work is identical; then
 * ASHA over the same space on 2 workers. Prints makespans, the speedup, whether the per-trial
 * results are identical, the best test accuracy, the makespan against the optimizer's lower bound
 * and against its estimate.
 *
 * <pre>
 * java @jvm.options -cp jmh/target/benchmarks.jar org.cerebro.jmh.LocalExecutorBench
 * </pre>
 */
public final class LocalExecutorBench {
    private LocalExecutorBench() {
    }

    public static void main(String[] args) {
        SearchSpace space = SearchSpace.of(HParam.choice("width", 128, 256), HParam.choice("depth", 1, 2),
            HParam.choice("lr", 1e-3, 3e-3), HParam.constant("batch_size", 64));
        try (Dataset train = Datasets.idx(BenchData.dir().resolve("mnist/train-images-idx3-ubyte.gz"),
                BenchData.dir().resolve("mnist/train-labels-idx1-ubyte.gz"));
             Dataset test = Datasets.idx(BenchData.dir().resolve("mnist/t10k-images-idx3-ubyte.gz"),
                BenchData.dir().resolve("mnist/t10k-labels-idx1-ubyte.gz"))) {
            SearchResult sequential = run(space, Strategy.grid(3), new SequentialExecutor(), train, test);
            LocalExecutor fixedExecutor = LocalExecutor.cpus(2);
            SearchResult fixed = run(space, Strategy.grid(3), fixedExecutor, train, test);
            SearchResult again = run(space, Strategy.grid(3), LocalExecutor.cpus(2), train, test);
            SearchResult free = run(space, Strategy.grid(3), LocalExecutor.cpus(2).freeOrder(), train, test);
            double s = seconds(sequential);
            double f = seconds(fixed);
            double fr = seconds(free);
            System.out.printf(Locale.ROOT, "grid 8 x 3 epochs: sequential %.1f s, 2 workers fixed order %.1f s (speedup %.2fx),"
                + " free order %.1f s (fixed/free %.3f)%n", s, f, s / f, fr, f / fr);
            System.out.println("per-trial results of two 2-worker fixed-order runs identical: "
                + fixed.trials().equals(again.trials()) + "; free order identical to them: " + fixed.trials().equals(free.trials()));
            System.out.printf(Locale.ROOT, "largest accuracy difference from the sequential run (1 worker, 2 intra-op threads):"
                + " fixed %.4f, free %.4f%n", maxAccuracyDifference(sequential, fixed), maxAccuracyDifference(sequential, free));
            TrialResult best = fixed.best().orElseThrow();
            System.out.printf(Locale.ROOT, "best test accuracy %.4f (%s)%n", best.lastEpoch().metrics().accuracy(),
                best.config().canonical());
            report("2 workers fixed", fixed, fixedExecutor);
            SearchResult asha = run(space, Strategy.asha(1, 9, 3).maxTrials(8), LocalExecutor.cpus(2), train, test);
            TrialResult ashaBest = asha.best().orElseThrow();
            System.out.printf(Locale.ROOT, "ASHA(1, 9, 3) 8 trials on 2 workers: %.1f s, %d epochs, best %.4f (%d epochs, %s)%n",
                seconds(asha), asha.epochsCompleted(), ashaBest.lastEpoch().metrics().accuracy(),
                ashaBest.epochsCompleted(), ashaBest.config().canonical());
            System.out.println();
            System.out.print(fixed.explain());
        }
    }

    private static SearchResult run(SearchSpace space, Strategy strategy, Executor executor, Dataset train, Dataset test) {
        return Cerebro.search(space).trainable(new DjlTrainable(Zoo.mlp())).data(train, test).strategy(strategy)
            .objective(Objective.maximize("accuracy")).seed(1).partitions(2).executor(executor).run();
    }

    private static double maxAccuracyDifference(SearchResult a, SearchResult b) {
        double max = 0;
        for (int t = 0; t < a.trials().size(); t++) {
            max = Math.max(max, Math.abs(a.trials().get(t).lastEpoch().metrics().accuracy()
                - b.trials().get(t).lastEpoch().metrics().accuracy()));
        }
        return max;
    }

    private static double seconds(SearchResult result) {
        return result.elapsed().toNanos() / 1e9;
    }

    /**
     * Makespan against the lower bound max(total unit time / p, longest trial's unit time), both
     * from the run's own unit records (evaluation runs inside each epoch's last unit), and against
     * the optimizer's estimate.
     */
    private static void report(String label, SearchResult run, Executor executor) {
        java.util.Map<Integer, Long> perTrial = new java.util.HashMap<>();
        long total = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        for (org.cerebro.exec.UnitRecord unit : executor.unitRecords()) {
            long duration = unit.endNanos() - unit.startNanos();
            perTrial.merge(unit.trialId(), duration, Long::sum);
            total += duration;
            first = Math.min(first, unit.startNanos());
            last = Math.max(last, unit.endNanos());
        }
        double bound = Math.max(total / 1e9 / executor.workers(), perTrial.values().stream().mapToLong(Long::longValue)
            .max().orElse(0) / 1e9);
        double units = (last - first) / 1e9;
        double measured = seconds(run);
        double estimate = run.plan().chosenCandidate().makespanSeconds();
        System.out.printf(Locale.ROOT, "%s: makespan %.1f s (units %.1f s) vs lower bound %.1f s: %.3f (units only %.3f);"
            + " optimizer estimate %.1f s (measured/estimate %.2f)%n", label, measured, units, bound, measured / bound,
            units / bound, estimate, measured / estimate);
    }
}
