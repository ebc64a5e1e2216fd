package org.cerebro.optimizer.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cerebro.SearchListener;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.Metrics;
import org.junit.jupiter.api.Test;

/**
 * Whole searches (the real driver, ASHA and kernel) on virtual workers whose units are timed
 * differently by two jitter seeds: with outcomes in the predicted order (the default) the decisions
 * and results are the same however the units are timed; in arrival order they are not. (The cost in makespan is
 * measured by {@code DecisionOrderSimulation} in the jmh module.)
 */
class DecisionOrderSimulationTest {
    private static SearchResult run(boolean arrival, long jitterSeed, VirtualExecutor executor, Dataset standIn) {
        var builder = SyntheticSearch.search(executor, standIn).strategy(Strategy.asha(1, 27, 3).maxTrials(64)).seed(7);
        return (arrival ? builder.arrivalOrder() : builder).run();
    }

    @Test
    void thePredictedOrderGivesTheSameDecisionsHoweverTheUnitsAreTimed() {
        try (Dataset standIn = SyntheticSearch.standIn(8)) {
            VirtualExecutor one = SyntheticSearch.executor(8, 0.3, 1);
            VirtualExecutor two = SyntheticSearch.executor(8, 0.3, 2);
            SearchResult a = run(false, 1, one, standIn);
            double makespanA = one.makespan();
            SearchResult b = run(false, 2, two, standIn);
            assertNotEquals(makespanA, two.makespan(), "the jitter seeds time the units differently");
            assertEquals(a.trials(), b.trials(), "predicted order: the same decisions and results");
            assertTrue(a.trials().stream().anyMatch(t -> t.epochsCompleted() == 27), "ASHA promoted to the top rung");

            SearchResult c = run(true, 1, SyntheticSearch.executor(8, 0.3, 1), standIn);
            SearchResult d = run(true, 2, SyntheticSearch.executor(8, 0.3, 2), standIn);
            assertNotEquals(c.trials(), d.trials(), "arrival order: the timing changes the decisions");
        }
    }

    @Test
    void outcomesReachTheStrategyInTheOrderTheCostClockPredicts() {
        try (Dataset standIn = SyntheticSearch.standIn(16)) {
            java.util.Map<Integer, Config> configs = new java.util.HashMap<>();
            java.util.List<Config> seen = new java.util.ArrayList<>();
            SearchResult result = SyntheticSearch.search(SyntheticSearch.executor(16, 0.3, 3), standIn)
                .strategy(Strategy.random(12, 1)).seed(5).listener(new SearchListener() {
                    @Override
                    public void trialStarted(int trialId, Config config) {
                        configs.put(trialId, config);
                    }

                    @Override
                    public void epochEnded(int trialId, int epoch, Metrics metrics, double score) {
                        seen.add(configs.get(trialId));
                    }
                }).run();
            assertEquals(12, seen.size());
            java.util.List<Double> costs = seen.stream().map(SyntheticSearch::epochSeconds).toList();
            assertEquals(costs.stream().sorted().toList(), costs,
                "12 trials started at once are seen cheapest first (their grant order is not): " + result.trials());
            assertTrue(result.trials().stream().map(t -> SyntheticSearch.epochSeconds(t.config())).distinct().count() > 2,
                "the trials differ in cost");
        }
    }
}
