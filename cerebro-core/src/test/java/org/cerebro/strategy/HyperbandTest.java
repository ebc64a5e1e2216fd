package org.cerebro.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.junit.jupiter.api.Test;

/** Hyperband's bracket arithmetic against the published table, and its successive halving. */
class HyperbandTest {

    @Test
    void r81Eta3MatchesThePublishedTable() {
        Hyperband hb = Strategy.hyperband(81, 3);
        assertEquals(4, hb.sMax());
        assertEquals(405, hb.bracketBudget());
        List<Hyperband.Bracket> brackets = hb.brackets();
        int[][][] expected = {
            {{81, 1}, {27, 3}, {9, 9}, {3, 27}, {1, 81}},
            {{34, 3}, {11, 9}, {3, 27}, {1, 81}},
            {{15, 9}, {5, 27}, {1, 81}},
            {{8, 27}, {2, 81}},
            {{5, 81}},
        };
        assertEquals(expected.length, brackets.size());
        for (int b = 0; b < expected.length; b++) {
            Hyperband.Bracket bracket = brackets.get(b);
            assertEquals(4 - b, bracket.s());
            assertEquals(expected[b].length, bracket.rungs().size());
            for (int i = 0; i < expected[b].length; i++) {
                assertEquals(new Hyperband.Rung(expected[b][i][0], expected[b][i][1]), bracket.rungs().get(i),
                    "bracket s=" + bracket.s() + " rung " + i);
            }
            assertTrue(bracket.budget() <= hb.bracketBudget(),
                "bracket s=" + bracket.s() + " budget " + bracket.budget() + " > B=" + hb.bracketBudget());
        }
    }

    @Test
    void bracketsRunSuccessiveHalvingAndPromoteTheBestOfEachRung() {
        Hyperband hb = Strategy.hyperband(27, 3);
        StrategyState state = hb.begin(SearchSpace.of(HParam.uniform("quality", 0, 1)), 11);
        StrategySimulator sim = new StrategySimulator();
        // the score grows with epochs and with the config's quality: the ranking never changes
        sim.run(state, 4, 3, (id, config, epoch) -> config.get(HParam.uniform("quality", 0, 1)) * (1 - Math.pow(0.5, epoch)),
            (id, from, score) -> { });
        List<RungReport> rungs = state.rungs();
        for (Hyperband.Bracket bracket : hb.brackets()) {
            for (int i = 0; i < bracket.rungs().size(); i++) {
                int rungIndex = i;
                RungReport report = rungs.stream().filter(r -> r.bracket() == bracket.s() && r.rung() == rungIndex)
                    .findFirst().orElseThrow();
                assertEquals(bracket.rungs().get(i).trials(), report.recorded().size(), "recorded at " + report);
                if (i + 1 < bracket.rungs().size()) {
                    assertEquals(bracket.rungs().get(i + 1).trials(), report.promoted().size());
                    // survivors are exactly the best of the rung
                    List<Integer> best = report.recorded().stream()
                        .sorted(Comparator.comparingDouble((Integer t) -> -sim.scores.get(t).get(report.epochs())))
                        .limit(report.promoted().size()).sorted().toList();
                    assertEquals(best, report.promoted().stream().sorted().toList());
                }
            }
        }
        long maxEpochs = sim.epochsOf.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertEquals(27, maxEpochs, "the best of each bracket trains to R");
        long planned = hb.brackets().stream().mapToLong(Hyperband.Bracket::budget).sum();
        assertTrue(sim.epochsRun <= planned, "resumed promotions spend at most the plan: " + sim.epochsRun + " > " + planned);
    }

    @Test
    void failedTrialsDoNotBlockARung() {
        StrategyState state = Strategy.hyperband(9, 3).begin(SearchSpace.of(HParam.uniform("q", 0, 1)), 1);
        int started = 0;
        Decision d;
        while ((d = state.next()) instanceof Decision.Start s && s.targetEpoch() == 1) {
            started++;
            if (s.trialId() % 2 == 0) {
                state.trialFailed(s.trialId(), 1, "NaN loss");
            } else {
                assertEquals(EpochDecision.PAUSE, state.epochEnded(s.trialId(), 1, s.trialId()));
            }
        }
        assertEquals(9, started);
        assertTrue(d instanceof Decision.Resume r && r.trialId() % 2 == 1, "the rung completed and promoted: " + d);
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Strategy.hyperband(0, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Strategy.hyperband(81, 1));
        assertTrue(e.getMessage().contains("eta=1"), e.getMessage());
    }

    @Test
    void withTpeItsLaterConfigsConcentrateWhereTheScoresWereBest() {
        Hyperband bohb = Strategy.hyperband(27, 3).sampler(Sampler.tpe());
        assertTrue(bohb.describe().contains("sampler=tpe("), bohb.describe());
        assertEquals("hyperband(R=27, eta=3)", Strategy.hyperband(27, 3).describe(), "unchanged for experiment dirs");
        double tpe = lateDistanceFromOptimum(bohb);
        double random = lateDistanceFromOptimum(Strategy.hyperband(27, 3));
        assertTrue(tpe < 0.6 * random, "mean |x - 0.3| of the last third of the trials: TPE " + tpe + ", random " + random);
    }

    /** Mean distance from x = 0.3 of the configs of the last third of the trials, over 5 seeds. */
    private static double lateDistanceFromOptimum(Hyperband strategy) {
        double total = 0;
        int count = 0;
        for (long seed = 1; seed <= 5; seed++) {
            StrategySimulator sim = new StrategySimulator();
            sim.run(strategy.begin(SearchSpace.of(HParam.uniform("x", 0, 1)), seed), 4, seed,
                (id, config, epoch) -> -Math.abs((Double) config.values().get("x") - 0.3) + 0.01 * epoch,
                (id, from, score) -> { });
            int trials = sim.configs.size();
            for (int id = 2 * trials / 3; id < trials; id++) {
                total += Math.abs((Double) sim.configs.get(id).values().get("x") - 0.3);
                count++;
            }
        }
        return total / count;
    }
}
