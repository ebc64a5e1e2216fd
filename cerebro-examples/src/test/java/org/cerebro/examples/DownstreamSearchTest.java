package org.cerebro.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.junit.jupiter.api.Test;

/**
 * What a downstream project's unit test looks like: a whole search on the pure-Java trainable
 * (cerebro-core only, no native engine), in well under a second, asserting on the config it finds.
 * The data is XOR-shaped, which no linear model separates: the search must find that a hidden
 * layer is needed.
 */
class DownstreamSearchTest {
    /** Two noisy XOR clusters per class. */
    private static Dataset xor(int records, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] features = new float[records][2];
        int[] labels = new int[records];
        for (int i = 0; i < records; i++) {
            boolean a = random.nextBoolean();
            boolean b = random.nextBoolean();
            features[i][0] = (a ? 1 : -1) + (float) random.nextGaussian() * 0.25f;
            features[i][1] = (b ? 1 : -1) + (float) random.nextGaussian() * 0.25f;
            labels[i] = a ^ b ? 1 : 0;
        }
        return Datasets.fromArrays(features, labels, 2);
    }

    @Test
    void theSearchFindsThatXorNeedsAHiddenLayer() {
        long start = System.nanoTime();
        SearchResult result;
        try (Dataset train = xor(800, 1); Dataset validation = xor(200, 2)) {
            result = Cerebro.search(SearchSpace.of(HParam.choice("hidden", 0, 16), HParam.choice("lr", 0.05, 0.2)))
                .trainable(new MlpTrainable())
                .data(train, validation)
                .strategy(Strategy.grid(15))
                .objective(Objective.maximize("accuracy"))
                .seed(1)
                .progress(false)
                .run();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        TrialResult best = result.best().orElseThrow();
        assertEquals(16, (int) best.config().get(MlpTrainable.HIDDEN), "the best config has a hidden layer: "
            + result.leaderboardTable(4));
        assertTrue(best.lastEpoch().metrics().accuracy() > 0.95, result.leaderboardTable(4));
        for (TrialResult trial : result.trials()) {
            if ((int) trial.config().get(MlpTrainable.HIDDEN) == 0) {
                assertTrue(trial.lastEpoch().metrics().accuracy() < 0.75, "a linear model cannot fit XOR: " + trial);
            }
        }
        System.out.printf("downstream search: %d trials in %.2f s%n", result.trials().size(), seconds);
    }
}
