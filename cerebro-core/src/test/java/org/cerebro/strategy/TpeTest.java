package org.cerebro.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.junit.jupiter.api.Test;

/**
 * TPE driven without training (each trial's score is a function of its config), against random
 * search: its configs are valid in every domain, it is deterministic, the first trials are the
 * random ones, and on a smooth objective it finds clearly better configs for the same budget.
 */
class TpeTest {
    private static final SearchSpace SPACE = SearchSpace.of(HParam.uniform("x", -5, 10), HParam.uniform("y", 0, 15),
        HParam.logUniform("lr", 1e-4, 1), HParam.intRange("n", 1, 64), HParam.intLogRange("w", 8, 1024),
        HParam.choice("opt", "adam", "sgd", "rms"), HParam.constant("c", 3));

    /** Branin (minimum 0.398 at three points) over x, y, plus penalties the other parameters must learn. */
    static double branin(Config config) {
        double x = (double) config.values().get("x");
        double y = (double) config.values().get("y");
        double a = y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6;
        double branin = a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
        double lr = Math.log10((double) config.values().get("lr"));
        int n = (int) config.values().get("n");
        return branin + (lr + 2) * (lr + 2) + Math.abs(n - 40) / 8.0 + (config.values().get("opt").equals("sgd") ? 0 : 2);
    }

    /** Branin's own space: its minimum 0.398 is at three points. */
    private static final SearchSpace BRANIN = SearchSpace.of(HParam.uniform("x", -5, 10), HParam.uniform("y", 0, 15));

    static double branin2(Config config) {
        double x = (double) config.values().get("x");
        double y = (double) config.values().get("y");
        double a = y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6;
        return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
    }

    /** The configs a strategy tries, each trial scored by {@code -objective} once, in order. */
    static List<Config> run(Strategy strategy, long seed, ToDoubleFunction<Config> objective) {
        return run(strategy, SPACE, seed, objective);
    }

    static List<Config> run(Strategy strategy, SearchSpace space, long seed, ToDoubleFunction<Config> objective) {
        StrategyState state = strategy.begin(space, seed);
        List<Config> tried = new ArrayList<>();
        while (true) {
            Decision decision = state.next();
            if (!(decision instanceof Decision.Start start)) {
                return tried;
            }
            tried.add(start.config());
            state.epochEnded(start.trialId(), 1, -objective.applyAsDouble(start.config()));
        }
    }

    @Test
    void itsConfigsAreValidDeterministicAndTheFirstOnesAreRandom() {
        List<Config> tpe = run(Strategy.tpe(40, 1), 7, TpeTest::branin);
        List<Config> again = run(Strategy.tpe(40, 1), 7, TpeTest::branin);
        List<Config> random = run(Strategy.random(40, 1), 7, TpeTest::branin);
        assertEquals(tpe, again, "same seed, same scores: same configs");
        assertEquals(random.subList(0, 10), tpe.subList(0, 10), "10 startup trials are random search's");
        assertNotEquals(random.subList(10, 40), tpe.subList(10, 40));
        for (Config config : tpe) {
            for (HParam<?> param : SPACE.params()) {
                assertTrue(param.contains(config.values().get(param.name())), param + " " + config);
            }
        }
    }

    private static double medianBest(Strategy strategy, SearchSpace space, ToDoubleFunction<Config> objective) {
        List<Double> bests = new ArrayList<>();
        for (long seed = 0; seed < 20; seed++) {
            bests.add(run(strategy, space, seed, objective).stream().mapToDouble(objective).min().orElseThrow());
        }
        bests.sort(null);
        return bests.get(10);
    }

    @Test
    void onASmoothObjectiveItBeatsRandomSearchForTheSameBudget() {
        double tpe = medianBest(Strategy.tpe(60, 1), BRANIN, TpeTest::branin2);
        double random = medianBest(Strategy.random(60, 1), BRANIN, TpeTest::branin2);
        System.out.printf("branin, 60 trials, 20 seeds: median best TPE %.3f, random %.3f%n", tpe, random);
        assertTrue(tpe < 0.6 * random, "TPE median best " + tpe + " vs random " + random);
        // seven parameters of every kind, three of them irrelevant: still better
        double tpeMixed = medianBest(Strategy.tpe(60, 1), SPACE, TpeTest::branin);
        double randomMixed = medianBest(Strategy.random(60, 1), SPACE, TpeTest::branin);
        System.out.printf("branin + penalties over 7 parameters: median best TPE %.3f, random %.3f%n", tpeMixed,
            randomMixed);
        assertTrue(tpeMixed < randomMixed, "TPE " + tpeMixed + " vs random " + randomMixed);
    }

    @Test
    void underAshaItLearnsFromTheHighestRungWithEnoughScores() {
        Asha asha = Strategy.asha(1, 9, 3).maxTrials(60).sampler(Sampler.tpe());
        assertTrue(asha.describe().contains("sampler=tpe("), asha.describe());
        double early = 0;
        double late = 0;
        for (long seed = 0; seed < 5; seed++) {
            List<Config> tried = ashaRun(asha, seed);
            assertEquals(60, tried.size());
            early += tried.subList(0, 10).stream().mapToDouble(TpeTest::branin2).average().orElseThrow();
            late += tried.subList(45, 60).stream().mapToDouble(TpeTest::branin2).average().orElseThrow();
        }
        assertTrue(late < 0.5 * early, "later configs are better: " + late / 5 + " vs " + early / 5);
    }

    private static List<Config> ashaRun(Asha asha, long seed) {
        StrategyState state = asha.begin(BRANIN, seed);
        List<Config> tried = new ArrayList<>();
        java.util.Map<Integer, Config> configs = new java.util.HashMap<>();
        java.util.Map<Integer, Integer> done = new java.util.HashMap<>();
        java.util.Deque<int[]> running = new java.util.ArrayDeque<>(); // {trial, target epoch}
        while (true) {
            Decision decision = running.size() < 4 ? state.next() : Decision.WAIT;
            if (decision instanceof Decision.Start start) {
                tried.add(start.config());
                configs.put(start.trialId(), start.config());
                running.add(new int[] {start.trialId(), start.targetEpoch()});
                continue;
            }
            if (decision instanceof Decision.Resume resume) {
                running.add(new int[] {resume.trialId(), resume.targetEpoch()});
                continue;
            }
            if (running.isEmpty()) {
                break; // nothing to start and nothing running: over
            }
            int[] trial = running.poll(); // trains to its target; a better config scores better at every epoch
            for (int epoch = done.getOrDefault(trial[0], 0) + 1; epoch <= trial[1]; epoch++) {
                done.put(trial[0], epoch);
                if (state.epochEnded(trial[0], epoch, -branin2(configs.get(trial[0])) - 1.0 / epoch)
                    != EpochDecision.CONTINUE) {
                    break;
                }
            }
        }
        return tried;
    }

    @Test
    void theConstantLiarSpreadsProposalsAwayFromTrialsStillRunning() {
        SearchSpace line = SearchSpace.of(HParam.uniform("x", 0, 1));
        double plain = spreadOfProposalsInFlight(Sampler.tpe(), line);
        double liar = spreadOfProposalsInFlight(Sampler.tpe().constantLiar(true), line);
        assertTrue(liar > 1.5 * plain, "with 12 trials in flight the liar's proposals spread wider: " + liar + " vs "
            + plain);
        assertTrue(Sampler.tpe().constantLiar(true).describe().contains("constantLiar"));
        StrategyContract.verify(Strategy.asha(1, 9, 3).maxTrials(30).sampler(Sampler.tpe().constantLiar(true)),
            SearchSpace.of(HParam.uniform("x", 0, 1), HParam.choice("c", 1, 2, 3)));
    }

    /** 10 trials scored (best near x = 0.3), then 12 proposed without results: their standard deviation. */
    private static double spreadOfProposalsInFlight(Tpe tpe, SearchSpace line) {
        SamplerState state = tpe.begin(line, 11);
        for (int id = 0; id < 10; id++) {
            double x = (Double) state.next(id).values().get("x");
            state.observe(id, 1, -(x - 0.3) * (x - 0.3));
        }
        state.failed(99); // a failure is not a trial in flight
        double sum = 0;
        double squares = 0;
        for (int id = 10; id < 22; id++) {
            double x = (Double) state.next(id).values().get("x");
            sum += x;
            squares += x * x;
        }
        double mean = sum / 12;
        return Math.sqrt(squares / 12 - mean * mean);
    }

    @Test
    void theMultivariateVariantGivesValidDeterministicConfigsAndBeatsRandom() {
        Tpe joint = Sampler.tpe().multivariate(true);
        assertTrue(joint.describe().contains("multivariate"), joint.describe());
        SearchSpace mixed = SearchSpace.of(HParam.logUniform("lr", 1e-4, 1.0), HParam.intRange("units", 8, 64),
            HParam.choice("act", "relu", "tanh"), HParam.uniform("m", 0.5, 0.99).when("act", "relu"),
            HParam.constant("batch", 32));
        StrategyContract.verify(Strategy.random(25, 2).sampler(joint), mixed);
        StrategyContract.verify(Strategy.asha(1, 9, 3).maxTrials(25).sampler(joint.constantLiar(true)), mixed);
        double tpe = medianBest(Strategy.random(60, 1).sampler(joint), BRANIN, TpeTest::branin2);
        double random = medianBest(Strategy.random(60, 1), BRANIN, TpeTest::branin2);
        assertTrue(tpe < 0.8 * random, "multivariate TPE median best " + tpe + " vs random " + random);
    }

    @Test
    void onlyTheMultivariateModelSeesAnInteractionBetweenParameters() {
        // good trials at (0.1, 0.1) and (0.9, 0.9): on the diagonal, yet each parameter alone is as
        // likely at 0.1 as at 0.9
        HParam<Double> x = HParam.uniform("x", 0, 1);
        HParam<Double> y = HParam.uniform("y", 0, 1);
        List<Config> observed = List.of(Config.of(java.util.Map.of("x", 0.1, "y", 0.1)),
            Config.of(java.util.Map.of("x", 0.9, "y", 0.9)));
        boolean[] good = {true, true};
        double[] ages = {1, 1};
        Tpe.JointParzen joint = new Tpe.JointParzen(List.of(x, y), observed, good, true, ages, 1.0);
        double onDiagonal = joint.logDensity(new double[][] {{0.1}, {0.1}});
        double offDiagonal = joint.logDensity(new double[][] {{0.1}, {0.9}});
        assertTrue(onDiagonal - offDiagonal > 2, "joint: " + onDiagonal + " vs " + offDiagonal);
        Tpe.Parzen alone = new Tpe.Parzen(List.of(0.1, 0.9), List.of(1.0, 1.0), 1.0, 0, 1);
        double productOn = alone.logDensity(0.1) + alone.logDensity(0.1);
        double productOff = alone.logDensity(0.1) + alone.logDensity(0.9);
        assertEquals(productOn, productOff, 1e-9, "per parameter the two points are alike");
        // and the option changes what the sampler proposes once the model is used
        SearchSpace square = SearchSpace.of(x, y);
        SamplerState a = Sampler.tpe().multivariate(true).begin(square, 4);
        SamplerState b = Sampler.tpe().begin(square, 4);
        boolean differs = false;
        for (int id = 0; id < 20; id++) {
            Config ca = a.next(id);
            Config cb = b.next(id);
            double score = -Math.abs((Double) ca.values().get("x") - (Double) ca.values().get("y"));
            a.observe(id, 1, score);
            b.observe(id, 1, -Math.abs((Double) cb.values().get("x") - (Double) cb.values().get("y")));
            assertEquals(id < 10, ca.equals(cb), "trial " + id + ": the same random start, then different models");
            differs |= !ca.equals(cb);
        }
        assertTrue(differs);
    }
}
