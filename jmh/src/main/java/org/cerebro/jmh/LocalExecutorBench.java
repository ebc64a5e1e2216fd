package org.cerebro.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.data.Dataset;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.exec.Executor;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.plan.Operator;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;

/**
 * A bench harness (ratios against baselines in the same run): a grid of 8 MLP configs (width
 * 128|256 x depth 1|2 x lr 1e-3|3e-3, Adam, batch 64) for 3 epochs on all of MNIST with the DJL
 * trainable, in three interleaved rounds of: the sequential executor (rounds 1 and 3), and the
 * local executor with 2 CPU workers running MOP in fixed order, MOP in free order, task
 * parallelism, and MOP in fixed order with an experiment directory; all over 2 partitions so the
 * work is identical. Then ASHA over the same space, and the planner's own choice. Prints each
 * round, medians, ratios, whether per-trial results are identical, the best test accuracy, the
 * makespan against the lower bound and against the optimizer's estimate. About 12 minutes.
 *
 * <pre>
 * java @jvm.options -cp jmh/target/benchmarks.jar org.cerebro.jmh.LocalExecutorBench
 * </pre>
 */
public final class LocalExecutorBench {
    private static final int ROUNDS = 3;

    private LocalExecutorBench() {
    }

    /** The grid's space: width 128|256 x depth 1|2 x lr 1e-3|3e-3, Adam, batch 64 (the zoo MLP's defaults otherwise). */
    static SearchSpace gridSpace() {
        return SearchSpace.of(HParam.choice("width", 128, 256), HParam.choice("depth", 1, 2),
            HParam.choice("lr", 1e-3, 3e-3), HParam.constant("batch_size", 64));
    }

    public static void main(String[] args) {
        SearchSpace space = gridSpace();
        try (Dataset train = BenchData.mnistTrain();
             Dataset test = BenchData.mnistTest()) {
            // Three interleaved rounds, medians reported: this 2-core machine's timings vary by
            // tens of percent between runs, so a single run can rank two variants either way.
            List<Double> sequentialTimes = new ArrayList<>();
            List<Double> fixedTimes = new ArrayList<>();
            List<Double> freeTimes = new ArrayList<>();
            List<Double> taskTimes = new ArrayList<>();
            List<Double> durableTimes = new ArrayList<>();
            List<Double> fixedBound = new ArrayList<>();
            List<Double> taskBound = new ArrayList<>();
            List<Double> fixedEstimate = new ArrayList<>();
            SearchResult firstFixed = null;
            boolean fixedIdentical = true;
            boolean freeIdentical = true;
            boolean taskIdentical = true;
            boolean durableIdentical = true;
            SearchResult sequential = null;
            for (int round = 0; round < ROUNDS; round++) {
                if (round != 1) { // the slow baseline twice, first and last
                    sequential = run(space, Strategy.grid(3), new SequentialExecutor(), train, test);
                    sequentialTimes.add(seconds(sequential));
                }
                LocalExecutor fixedExecutor = LocalExecutor.cpus(2);
                // MOP forced: on this grid the planner may prefer task parallelism (within a few percent)
                SearchResult fixed = run(space, Strategy.grid(3), fixedExecutor, train, test, Operator.MOP, null);
                fixedTimes.add(seconds(fixed));
                fixedBound.add(seconds(fixed) / lowerBound(fixed, fixedExecutor));
                fixedEstimate.add(seconds(fixed) / fixed.plan().chosenCandidate().makespanSeconds());
                firstFixed = firstFixed == null ? fixed : firstFixed;
                fixedIdentical &= firstFixed.trials().equals(fixed.trials());
                SearchResult free = run(space, Strategy.grid(3), LocalExecutor.cpus(2).freeOrder(), train, test,
                    Operator.MOP, null);
                freeTimes.add(seconds(free));
                freeIdentical &= firstFixed.trials().equals(free.trials());
                LocalExecutor taskExecutor = LocalExecutor.cpus(2);
                SearchResult task = run(space, Strategy.grid(3), taskExecutor, train, test, Operator.TASK_PARALLEL, null);
                taskTimes.add(seconds(task));
                taskBound.add(seconds(task) / lowerBound(task, taskExecutor));
                taskIdentical &= firstFixed.trials().equals(task.trials());
                SearchResult durable = run(space, Strategy.grid(3), LocalExecutor.cpus(2), train, test, Operator.MOP,
                    temporaryDirectory());
                durableTimes.add(seconds(durable));
                durableIdentical &= firstFixed.trials().equals(durable.trials());
                System.out.printf(Locale.ROOT, "round %d: sequential %s, MOP fixed %.1f s, MOP free %.1f s, task-parallel"
                    + " %.1f s, MOP fixed + experiment dir %.1f s%n", round + 1,
                    round == 1 ? "-" : String.format(Locale.ROOT, "%.1f s", seconds(sequential)), seconds(fixed),
                    seconds(free), seconds(task), seconds(durable));
            }
            double s = median(sequentialTimes);
            double f = median(fixedTimes);
            System.out.printf(Locale.ROOT, "medians, grid 8 x 3 epochs: sequential %.1f s; 2 workers MOP fixed order %.1f s"
                + " (speedup %.2fx), free order %.1f s (fixed/free %.3f), task-parallel %.1f s (MOP/TP %.3f),"
                + " fixed with an experiment directory %.1f s (%.3f)%n", s, f, s / f, median(freeTimes),
                f / median(freeTimes), median(taskTimes), f / median(taskTimes), median(durableTimes),
                median(durableTimes) / f);
            System.out.printf(Locale.ROOT, "makespan / lower bound (median): MOP fixed %.3f, task-parallel %.3f;"
                + " MOP measured/estimate %.2f%n", median(fixedBound), median(taskBound), median(fixedEstimate));
            System.out.println("per-trial results identical to the first fixed-order MOP run: fixed " + fixedIdentical
                + ", task-parallel " + taskIdentical + ", with experiment dir " + durableIdentical + ", free order "
                + freeIdentical);
            System.out.printf(Locale.ROOT, "largest accuracy difference from the sequential run (1 worker, 2 intra-op"
                + " threads): %.4f%n", maxAccuracyDifference(sequential, firstFixed));
            TrialResult best = firstFixed.best().orElseThrow();
            System.out.printf(Locale.ROOT, "best test accuracy %.4f (%s)%n", best.lastEpoch().metrics().accuracy(),
                best.config().canonical());
            for (org.cerebro.plan.Candidate candidate : firstFixed.plan().candidates()) {
                System.out.printf(Locale.ROOT, "  optimizer: %-13s memory/worker %s, data moved %s%n",
                    candidate.operator(), org.cerebro.plan.PhysicalPlan.bytes(candidate.memoryPerWorker()),
                    org.cerebro.plan.PhysicalPlan.bytes(candidate.bytesMoved()));
            }
            System.out.println("  measured here: both operators read the one off-heap copy of the training data ("
                + org.cerebro.plan.PhysicalPlan.bytes(train.sizeInBytes()) + "); on one machine task parallelism"
                + " needs no copies, on a cluster it needs the whole dataset per worker");
            SearchResult asha = run(space, Strategy.asha(1, 9, 3).maxTrials(8), LocalExecutor.cpus(2), train, test);
            TrialResult ashaBest = asha.best().orElseThrow();
            System.out.printf(Locale.ROOT, "ASHA(1, 9, 3) 8 trials on 2 workers: %.1f s, %d epochs, best %.4f (%d epochs, %s)%n",
                seconds(asha), asha.epochsCompleted(), ashaBest.lastEpoch().metrics().accuracy(),
                ashaBest.epochsCompleted(), ashaBest.config().canonical());
            SearchResult planned = run(space, Strategy.grid(3), LocalExecutor.cpus(2), train, test);
            System.out.printf(Locale.ROOT, "the planner's own choice: %s, %.1f s%n", planned.plan().executable(),
                seconds(planned));
            System.out.println();
            System.out.print(planned.explain());
        }
    }

    private static SearchResult run(SearchSpace space, Strategy strategy, Executor executor, Dataset train, Dataset test) {
        return run(space, strategy, executor, train, test, null, null);
    }

    private static SearchResult run(SearchSpace space, Strategy strategy, Executor executor, Dataset train, Dataset test,
                                    Operator operator, java.nio.file.Path experimentDir) {
        org.cerebro.SearchBuilder builder = Cerebro.search(space).trainable(new DjlTrainable(Zoo.mlp())).data(train, test)
            .strategy(strategy).objective(Objective.maximize("accuracy")).seed(1).partitions(2).executor(executor);
        if (operator != null) {
            builder.operator(operator);
        }
        if (experimentDir != null) {
            builder.experimentDir(experimentDir);
        }
        return builder.run();
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
     * The lower bound max(total unit time / p, longest trial's unit time), from the run's own unit
     * records (evaluation runs inside each epoch's last unit).
     */
    private static double lowerBound(SearchResult result, Executor executor) {
        java.util.Map<Integer, Long> perTrial = new java.util.HashMap<>();
        long total = 0;
        for (org.cerebro.exec.UnitRecord unit : result.units()) {
            long duration = unit.endNanos() - unit.startNanos();
            perTrial.merge(unit.trialId(), duration, Long::sum);
            total += duration;
        }
        return Math.max(total / 1e9 / executor.workers(),
            perTrial.values().stream().mapToLong(Long::longValue).max().orElse(0) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static java.nio.file.Path temporaryDirectory() {
        try {
            return java.nio.file.Files.createTempDirectory("cerebro-bench-experiment");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
