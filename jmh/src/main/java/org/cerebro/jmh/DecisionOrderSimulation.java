package org.cerebro.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cerebro.SearchBuilder;
import org.cerebro.data.Dataset;
import org.cerebro.optimizer.schedule.SyntheticSearch;
import org.cerebro.optimizer.schedule.VirtualExecutor;
import org.cerebro.strategy.Strategy;

/**
 * The cost of timing-independent decisions at scale, in simulation: whole ASHA(1, 27, 3) searches
 * (the real driver, strategy and kernel) on {@link VirtualExecutor} workers, {16, 256} trials x
 * {8, 16} workers, MOP, one partition per worker, synthetic models of 5 widths (cost 0.5-8
 * virtual seconds per epoch) whose units vary by ±30% (a jitter seed per run). For each seed
 * (5, or {@code -Dseeds=N}) the virtual makespan with outcomes in predicted order (the default:
 * reproducible) and in arrival order ({@code arrivalOrder()}); the ratio per seed, its median and
 * maximum.
 *
 * <pre>
 * java [-Dseeds=20] -cp jmh/target/benchmarks.jar org.cerebro.jmh.DecisionOrderSimulation [jitter]
 * </pre>
 */
public final class DecisionOrderSimulation {
    private static final int SEEDS = Integer.getInteger("seeds", 5);

    private DecisionOrderSimulation() {
    }

    /** Optional argument: the jitter (default 0.3, ±30%). */
    public static void main(String[] args) {
        double jitter = args.length > 0 ? Double.parseDouble(args[0]) : 0.3;
        System.out.printf(Locale.ROOT, "jitter ±%.0f%%%n", jitter * 100);
        System.out.println("| trials | workers | predicted order (median makespan, s) | arrival order (s) | ratio median |"
            + " ratio max | epochs predicted / arrival (median) | busy predicted / arrival (median) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---|---|");
        for (int trials : new int[] {16, 256}) {
            for (int workers : new int[] {8, 16}) {
                try (Dataset standIn = SyntheticSearch.standIn(workers)) {
                    List<Double> granted = new ArrayList<>();
                    List<Double> arrived = new ArrayList<>();
                    List<Double> ratios = new ArrayList<>();
                    List<Double> grantedEpochs = new ArrayList<>();
                    List<Double> arrivedEpochs = new ArrayList<>();
                    List<Double> grantedBusy = new ArrayList<>();
                    List<Double> arrivedBusy = new ArrayList<>();
                    for (long seed = 1; seed <= SEEDS; seed++) {
                        double[] makespan = new double[2];
                        for (int order = 0; order < 2; order++) {
                            VirtualExecutor executor = SyntheticSearch.executor(workers, jitter, seed);
                            SearchBuilder builder = SyntheticSearch.search(executor, standIn)
                                .strategy(Strategy.asha(1, 27, 3).maxTrials(trials)).seed(seed);
                            long epochs = (order == 0 ? builder : builder.arrivalOrder()).run().epochsCompleted();
                            makespan[order] = executor.makespan();
                            (order == 0 ? granted : arrived).add(makespan[order]);
                            (order == 0 ? grantedEpochs : arrivedEpochs).add((double) epochs);
                            double idle = java.util.Arrays.stream(executor.result(1).idle()).sum();
                            (order == 0 ? grantedBusy : arrivedBusy).add(1 - idle / (makespan[order] * workers));
                        }
                        ratios.add(makespan[0] / makespan[1]);
                    }
                    System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.3f | %.3f | %.0f / %.0f | %.0f%% / %.0f%%"
                        + " |%n", trials, workers, median(granted), median(arrived), median(ratios),
                        ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), median(grantedEpochs),
                        median(arrivedEpochs), 100 * median(grantedBusy), 100 * median(arrivedBusy));
                }
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
