package org.cerebro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.EpochDecision;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.Metrics;
import org.junit.jupiter.api.Test;

/** Ask and tell with the user training: ASHA's budget kept, TPE learning, misuse refused. */
class StudyTest {
    private static final SearchSpace SPACE = SearchSpace.of(HParam.uniform("x", -5, 10), HParam.uniform("y", 0, 15));

    private static double branin(Config c) {
        double x = (double) c.values().get("x");
        double y = (double) c.values().get("y");
        double a = y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6;
        return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
    }

    /** Runs a study to its end, the "model" of each trial scoring its Branin value (less with more epochs). */
    private static Map<Integer, Integer> drive(Study study) {
        Map<Integer, Integer> epochs = new HashMap<>();
        for (Optional<Study.Work> next; (next = study.ask()).isPresent(); ) {
            Study.Work work = next.get();
            for (int epoch = work.fromEpoch(); epoch <= work.toEpoch(); epoch++) {
                epochs.put(work.trialId(), epoch);
                double loss = branin(work.config()) + 1.0 / epoch;
                if (study.tell(work.trialId(), epoch, Metrics.of(loss, 0)) != EpochDecision.CONTINUE) {
                    break;
                }
            }
        }
        return epochs;
    }

    @Test
    void ashaThroughAskAndTellKeepsItsBudgetAndPromotesTheBest() {
        Study study = Study.create(SPACE, Strategy.asha(1, 9, 3).maxTrials(27), Objective.minimize("loss"), 3);
        Map<Integer, Integer> epochs = drive(study);
        assertTrue(study.finished());
        assertEquals(27, epochs.size());
        assertTrue(epochs.values().stream().allMatch(e -> e == 1 || e == 3 || e == 9), epochs.toString());
        assertTrue(epochs.values().stream().filter(e -> e == 9).count() >= 1, "someone reached the top rung");
        int best = study.best().orElseThrow().getKey();
        assertEquals(9, epochs.get(best), "the best trial trained to the end");
        assertTrue(study.bestValue() < 20, "best " + study.bestValue());
    }

    @Test
    void tpeThroughAskAndTellLearns() {
        List<Double> tpe = new ArrayList<>();
        List<Double> random = new ArrayList<>();
        for (long seed = 0; seed < 10; seed++) {
            Study a = Study.create(SPACE, Strategy.tpe(50, 1), Objective.minimize("loss"), seed);
            drive(a);
            tpe.add(a.bestValue());
            Study b = Study.create(SPACE, Strategy.random(50, 1), Objective.minimize("loss"), seed);
            drive(b);
            random.add(b.bestValue());
        }
        tpe.sort(null);
        random.sort(null);
        assertTrue(tpe.get(5) < random.get(5), "median best TPE " + tpe.get(5) + " vs random " + random.get(5));
    }

    @Test
    void misuseIsRefusedNamingTheTrialAndEpoch() {
        Study study = Study.create(SPACE, Strategy.random(2, 3), Objective.maximize("accuracy"), 1);
        Study.Work work = study.ask().orElseThrow();
        IllegalArgumentException outOfOrder = assertThrows(IllegalArgumentException.class,
            () -> study.tell(work.trialId(), 2, Metrics.of(0.5, 0.5)));
        assertTrue(outOfOrder.getMessage().contains("trial=0 epoch=2 expected epoch 1"), outOfOrder.getMessage());
        assertThrows(IllegalArgumentException.class, () -> study.tell(99, 1, Metrics.of(0.5, 0.5)));
        IllegalArgumentException metric = assertThrows(IllegalArgumentException.class,
            () -> Study.create(SPACE, Strategy.random(1, 1), Objective.maximize("f1"), 1)
                .tell(0, 1, Metrics.of(0.5, 0.5)));
        assertTrue(metric.getMessage().contains("never asked") || metric.getMessage().contains("f1"), metric.getMessage());
        assertTrue(!study.shouldStop(work.trialId()));
        assertEquals(EpochDecision.CONTINUE, study.tell(work.trialId(), 1, Metrics.of(0.5, 0.5)));
    }
}
