package org.cerebro.exec.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.TrialStatus;
import org.cerebro.data.Dataset;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end on all of MNIST with the DJL/PyTorch trainable and 2 CPU workers: a grid of 8 MLP
 * configs for 3 epochs, and ASHA over the same space. About 35 s together on 2 cores.
 */
class DjlMnistSearchTest {
    private static final SearchSpace SPACE = SearchSpace.of(HParam.choice("width", 128, 256),
        HParam.choice("depth", 1, 2), HParam.choice("lr", 1e-3, 3e-3), HParam.constant("batch_size", 64));
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void mnist() {
        train = TestData.mnistTrain(TestData.dir());
        test = TestData.mnistTest(TestData.dir());
    }

    @AfterAll
    static void free() {
        if (train != null) {
            train.close();
            test.close();
        }
    }

    private static SearchResult run(Strategy strategy) {
        return Cerebro.search(SPACE).trainable(new DjlTrainable(Zoo.mlp())).data(train, test).strategy(strategy)
            .objective(Objective.maximize("accuracy")).seed(1).executor(LocalExecutor.cpus(2)).progress(false).run();
    }

    @Test
    void aGridOfEightMlpsForThreeEpochsReaches97PercentOnTwoWorkers() {
        SearchResult grid = run(Strategy.grid(3));
        assertEquals(8, grid.trials().size());
        grid.trials().forEach(t -> assertEquals(TrialStatus.COMPLETED, t.status(), t.toString()));
        TrialResult best = grid.best().orElseThrow();
        double accuracy = best.lastEpoch().metrics().accuracy();
        assertTrue(accuracy >= 0.97, "best MNIST test accuracy " + accuracy + " of " + best.config().canonical());
        assertEquals(8 * 3 * 2, grid.unitsRun(), "8 trials x 3 epochs x 2 partitions");
    }

    @Test
    void ashaOverTheSameSpacePromotesTheBestAndStopsTheRest() {
        SearchResult asha = run(Strategy.asha(1, 3, 3).maxTrials(8));
        assertEquals(8, asha.trials().size());
        assertTrue(asha.trials().stream().anyMatch(t -> t.epochsCompleted() == 3), "a trial reached the top rung");
        long stoppedEarly = asha.trials().stream().filter(t -> t.status() == TrialStatus.STOPPED).count();
        assertTrue(stoppedEarly >= 4, "ASHA stops most trials after their first rung: " + asha.leaderboardTable(8));
        assertTrue(asha.epochsCompleted() < 8 * 3, "fewer epochs than the grid: " + asha.epochsCompleted());
        double accuracy = asha.best().orElseThrow().lastEpoch().metrics().accuracy();
        assertTrue(accuracy >= 0.96, "best MNIST test accuracy " + accuracy);
    }
}
