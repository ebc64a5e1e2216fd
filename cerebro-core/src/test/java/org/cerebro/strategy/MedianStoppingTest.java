package org.cerebro.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.TrialStatus;
import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.Test;

/** The median stopping rule: bad trials stop after the grace period, good ones train on, and a real search runs with it. */
class MedianStoppingTest {
    private static final SearchSpace SPACE = SearchSpace.of(HParam.uniform("quality", 0, 1));

    /** Runs the strategy over configs whose epoch-t score is quality * t; returns epochs trained per trial. */
    private static Map<Integer, Integer> run(Strategy strategy, long seed) {
        StrategyState state = strategy.begin(SPACE, seed);
        Map<Integer, Config> configs = new HashMap<>();
        Map<Integer, Integer> trained = new HashMap<>();
        Deque<Integer> running = new ArrayDeque<>();
        while (true) {
            Decision decision = running.size() < 4 ? state.next() : Decision.WAIT;
            if (decision instanceof Decision.Start start) {
                configs.put(start.trialId(), start.config());
                running.add(start.trialId());
                continue;
            }
            if (running.isEmpty()) {
                return trained;
            }
            int trial = running.poll();
            int epoch = trained.merge(trial, 1, Integer::sum);
            double quality = (double) configs.get(trial).values().get("quality");
            if (state.epochEnded(trial, epoch, quality * epoch) == EpochDecision.CONTINUE) {
                running.add(trial);
            }
        }
    }

    @Test
    void trialsBelowTheMedianStopAfterTheGracePeriodAndTheBestTrainToTheEnd() {
        MedianStopping rule = Strategy.medianStopping(30, 10).gracePeriod(2);
        Map<Integer, Integer> trained = run(rule, 5);
        Map<Integer, Integer> again = run(rule, 5);
        assertEquals(trained, again, "the same scores in the same order: the same stops");
        assertEquals(30, trained.size());
        assertTrue(trained.values().stream().allMatch(e -> e >= 1 && e <= 10), trained.toString());
        long stoppedEarly = trained.values().stream().filter(e -> e < 10).count();
        long full = trained.values().stream().filter(e -> e == 10).count();
        assertTrue(stoppedEarly >= 10 && full >= 3, "stopped early " + stoppedEarly + ", trained fully " + full);
        assertTrue(trained.values().stream().filter(e -> e < 10).allMatch(e -> e >= 2), "nothing stops before epoch 2");
        assertTrue(rule.describe().startsWith("medianStopping(trials=30, epochs=10, grace=2"), rule.describe());
    }

    @Test
    void aRealSearchStopsItsWorstTrialsEarly() {
        try (Dataset train = MlpTrainableTest.blobs(400, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            SearchResult result = Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 1e-4, 0.5),
                    HParam.choice("hidden", 0, 8))).trainable(new MlpTrainable()).data(train, validation)
                .strategy(Strategy.medianStopping(12, 6).sampler(Sampler.tpe().startupTrials(4)))
                .objective(Objective.maximize("accuracy")).seed(2).progress(false).run();
            assertEquals(12, result.trials().size());
            assertTrue(result.trials().stream().anyMatch(t -> t.status() == TrialStatus.STOPPED), result.leaderboardTable(12));
            assertTrue(result.best().orElseThrow().epochsCompleted() == 6, result.leaderboardTable(12));
        }
    }
}
