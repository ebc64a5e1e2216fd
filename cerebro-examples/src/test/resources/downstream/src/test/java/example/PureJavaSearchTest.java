package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.TrainedModel;
import org.junit.jupiter.api.Test;

/** A unit test in a downstream project: a whole search on the pure-Java trainable, in a JVM with no flags. */
class PureJavaSearchTest {
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
    void aSearchFindsThatXorNeedsAHiddenLayerAndHandsTheModelBack() {
        assertTrue(!String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
            .contains("--add-"), "this JVM was started with no module flags");
        try (Dataset train = xor(800, 1); Dataset validation = xor(200, 2); Dataset test = xor(200, 3)) {
            SearchResult result = Cerebro.search(SearchSpace.of(HParam.choice("hidden", 0, 16), HParam.choice("lr", 0.05, 0.2)))
                .trainable(new MlpTrainable())
                .data(train, validation)
                .test(test)
                .strategy(Strategy.grid(15))
                .objective(Objective.maximize("accuracy"))
                .executor(LocalExecutor.cpus(2))
                .seed(1)
                .run();
            TrainedModel best = result.bestModel().orElseThrow();
            assertEquals(16, (int) best.config().get(MlpTrainable.HIDDEN), result.leaderboardTable(4));
            assertEquals(result.best().orElseThrow().lastEpoch().metrics(), best.evaluate(validation));
            assertTrue(result.best().orElseThrow().test().accuracy() > 0.9, result.leaderboardTable(4));
        }
    }
}
