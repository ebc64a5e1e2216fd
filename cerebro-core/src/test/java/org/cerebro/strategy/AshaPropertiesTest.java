package org.cerebro.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.space.Seeds;
import org.junit.jupiter.api.Test;

/**
 * ASHA over synthetic learning-curve families whose final ranking is known: a config's curve is
 * {@code a - d * exp(-epoch / 3) + noise}, where the noise fades with epochs, so curves cross
 * early but the ranking at R is that of {@code a - d * exp(-R / 3)}.
 */
class AshaPropertiesTest {
    private static final HParam<Double> ASYMPTOTE = HParam.uniform("a", 0.5, 0.9);
    private static final HParam<Double> DEFICIT = HParam.uniform("d", 0.05, 0.1);
    private static final SearchSpace SPACE = SearchSpace.of(ASYMPTOTE, DEFICIT);
    private static final int R = 27;

    private static double curve(Config c, int epoch, double noise, long family, int trial) {
        double u = (Seeds.mix(Seeds.mix(family, trial), epoch) >>> 11) * 0x1.0p-53 * 2 - 1; // uniform in [-1, 1)
        return c.get(ASYMPTOTE) - c.get(DEFICIT) * Math.exp(-epoch / 3.0) + noise * u * Math.exp(-epoch / 3.0);
    }

    private static double finalValue(Config c) {
        return c.get(ASYMPTOTE) - c.get(DEFICIT) * Math.exp(-R / 3.0);
    }

    /** Runs ASHA for one seed; checks the per-run invariants; returns [epochs run, 1 if it found the true best]. */
    private static long[] runOnce(int configs, int eta, int workers, long family, long seed) {
        double noise = 0.01;
        StrategyState state = Strategy.asha(1, R, eta).maxTrials(configs).begin(SPACE, seed);
        StrategySimulator sim = new StrategySimulator();
        sim.run(state, workers, seed, (id, c, epoch) -> curve(c, epoch, noise, family, id),
            (id, from, score) -> {
                // the promoted trial is in the top floor(n / eta) of its rung right now
                long recorded = sim.scores.values().stream().filter(s -> s.containsKey(from)).count();
                long better = sim.scores.values().stream()
                    .filter(s -> s.containsKey(from) && s.get(from) > score).count();
                assertTrue(better < recorded / eta, "promoted trial " + id + " from epoch " + from
                    + " ranks " + (better + 1) + " of " + recorded + " with eta=" + eta);
            });
        int maxEpochs = sim.epochsOf.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(maxEpochs <= R, "a trial ran " + maxEpochs + " epochs, past R=" + R);
        assertEquals(configs, sim.configs.size(), "the trial budget is spent exactly");
        int trueBest = sim.configs.entrySet().stream()
            .max((x, y) -> Double.compare(finalValue(x.getValue()), finalValue(y.getValue())))
            .map(Map.Entry::getKey).orElseThrow();
        // ASHA's best: the best score among the trials that went furthest
        int ashaBest = sim.scores.entrySet().stream().filter(s -> s.getValue().containsKey(maxEpochs))
            .max((x, y) -> Double.compare(x.getValue().get(maxEpochs), y.getValue().get(maxEpochs)))
            .map(Map.Entry::getKey).orElseThrow();
        return new long[] {sim.epochsRun, trueBest == ashaBest ? 1 : 0};
    }

    @Test
    void promotionsAreInTheTopOfTheirRungAndNoTrialRunsPastR() {
        qt().withFixedSeed(20261121L).withExamples(60)
            .forAll(integers().between(2, 81), integers().between(2, 4), integers().between(1, 8), longs().all())
            .checkAssert((configs, eta, workers, family) -> runOnce(configs, eta, workers, family, family ^ 77));
    }

    @Test
    void withEta3AshaFindsTheTrueBestIn9Of10SeedsForAThirdOfGridsEpochs() {
        qt().withFixedSeed(20261121L).withExamples(30)
            .forAll(integers().between(27, 81), integers().between(1, 8), longs().all())
            .checkAssert((configs, workers, family) -> {
                int wins = 0;
                for (long seed = 0; seed < 10; seed++) {
                    long[] run = runOnce(configs, 3, workers, family, seed);
                    long gridEpochs = (long) configs * R;
                    assertTrue(run[0] * 3 <= gridEpochs, "ASHA ran " + run[0] + " epochs, grid would run " + gridEpochs);
                    wins += (int) run[1];
                }
                assertTrue(wins >= 9, "ASHA found the true best in " + wins + " of 10 seeds");
            });
    }

    @Test
    void rungsSitAtMinTimesEtaPowersUpToMax() {
        assertEquals("[1, 3, 9, 27]", java.util.Arrays.toString(Strategy.asha(1, 27, 3).rungEpochs()));
        assertEquals("[2, 4, 8, 10]", java.util.Arrays.toString(Strategy.asha(2, 10, 2).rungEpochs()));
        assertEquals("[5]", java.util.Arrays.toString(Strategy.asha(5, 5, 3).rungEpochs()));
    }

    @Test
    void aTimeBudgetStopsNewTrialsButNotPromotions() {
        AtomicLong now = new AtomicLong();
        StrategyState state = Strategy.asha(1, 3, 3).timeBudget(Duration.ofSeconds(10)).clock(now::get).begin(SPACE, 1);
        for (int i = 0; i < 3; i++) {
            Decision.Start s = (Decision.Start) state.next();
            assertEquals(EpochDecision.PAUSE, state.epochEnded(s.trialId(), 1, i));
        }
        now.set(Duration.ofSeconds(11).toNanos());
        Decision promotion = state.next();
        assertTrue(promotion instanceof Decision.Resume r && r.trialId() == 2 && r.targetEpoch() == 3, promotion.toString());
        assertEquals(Decision.WAIT, state.next());
        Decision.Resume r = (Decision.Resume) promotion;
        assertEquals(EpochDecision.CONTINUE, state.epochEnded(r.trialId(), 2, 5));
        assertEquals(EpochDecision.STOP, state.epochEnded(r.trialId(), 3, 6));
        assertEquals(Decision.WAIT, state.next(), "nothing to start, nothing promotable: with nothing running, over");
    }

    @Test
    void failedTrialsAreNeverPromotedAndTheSearchGoesOn() {
        StrategyState state = Strategy.asha(1, 3, 3).maxTrials(6).begin(SPACE, 2);
        for (int i = 0; i < 6; i++) {
            Decision.Start s = (Decision.Start) state.next();
            if (i < 3) {
                state.trialFailed(s.trialId(), 1, "NaN loss");
            } else {
                state.epochEnded(s.trialId(), 1, i);
            }
        }
        Decision d = state.next();
        assertTrue(d instanceof Decision.Resume r && r.trialId() == 5, d.toString());
    }

    @Test
    void misuseFailsWithTheSettingInTheMessage() {
        IllegalArgumentException below = assertThrows(IllegalArgumentException.class, () -> Strategy.asha(9, 3, 3));
        assertTrue(below.getMessage().contains("maxEpochs=3 is below minEpochs=9"), below.getMessage());
        IllegalArgumentException noBudget = assertThrows(IllegalArgumentException.class,
            () -> Strategy.asha(1, 9, 3).begin(SPACE, 0));
        assertTrue(noBudget.getMessage().contains("needs a budget"), noBudget.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Strategy.asha(1, 9, 3).maxTrials(3).maxTrials(4));
        assertThrows(IllegalArgumentException.class, () -> Strategy.asha(1, 9, 1));
        assertEquals(16, Strategy.asha(1, 9, 3).maxTrials(3).targetConcurrency(8), "keeps every worker fed");
        assertEquals(1, Strategy.asha(1, 9, 3).maxTrials(3).targetConcurrency(1));
    }
}
