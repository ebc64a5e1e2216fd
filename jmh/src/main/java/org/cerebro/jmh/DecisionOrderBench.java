package org.cerebro.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;

/**
 * A bench harness for the cost of timing-independent decisions: ASHA(1, 9, 3) with 24 trials of
 * the pure-Java MLP on 12,000 MNIST records, {@code LocalExecutor.cpus(2)}, MOP, in three
 * interleaved rounds of the default (outcomes in the predicted order: reproducible) and
 * {@code arrivalOrder()} (as they arrive: timing-dependent). Medians and the ratio.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar org.cerebro.jmh.DecisionOrderBench
 * </pre>
 */
public final class DecisionOrderBench {
    private DecisionOrderBench() {
    }

    public static void main(String[] args) {
        SearchSpace space = SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3), HParam.choice("hidden", 32, 64),
            HParam.choice("batch_size", 32, 64));
        try (Dataset all = BenchData.mnistTrain();
             Dataset train = all.head(12_000);
             Dataset validation = BenchData.mnistTest().head(2_000)) {
            List<Double> granted = new ArrayList<>();
            List<Double> arrival = new ArrayList<>();
            for (int round = 1; round <= 3; round++) {
                for (boolean byArrival : new boolean[] {false, true}) {
                    SearchBuilder builder = Cerebro.search(space).trainable(new MlpTrainable()).data(train, validation)
                        .strategy(Strategy.asha(1, 9, 3).maxTrials(24)).objective(Objective.maximize("accuracy"))
                        .seed(5).partitions(2).executor(LocalExecutor.cpus(2))
                        .operator(org.cerebro.plan.Operator.MOP).progress(false);
                    SearchResult result = (byArrival ? builder.arrivalOrder() : builder).run();
                    double seconds = result.elapsed().toNanos() / 1e9;
                    (byArrival ? arrival : granted).add(seconds);
                    System.out.printf(Locale.ROOT, "round %d %-8s %6.2f s  %d epochs  best %.4f%n", round,
                        byArrival ? "arrival" : "predicted", seconds, result.epochsCompleted(),
                        result.best().orElseThrow().lastEpoch().metrics().accuracy());
                }
            }
            granted.sort(null);
            arrival.sort(null);
            System.out.printf(Locale.ROOT, "medians: predicted order %.2f s, arrival order %.2f s: %.3fx%n", granted.get(1),
                arrival.get(1), granted.get(1) / arrival.get(1));
        }
    }
}
