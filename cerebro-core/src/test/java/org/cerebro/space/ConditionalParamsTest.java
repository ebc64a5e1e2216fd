package org.cerebro.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.TrialStatus;
import org.cerebro.data.Dataset;
import org.cerebro.strategy.Sampler;
import org.cerebro.strategy.Strategy;
import org.cerebro.strategy.StrategyContract;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.Test;

/**
 * Conditional parameters: a parameter exists only when its parent has one of the given values,
 * for every sampler including grid (no two configs that differ only in an inactive parameter).
 */
class ConditionalParamsTest {
    static final HParam<String> OPTIMIZER = HParam.choice("optimizer", "sgd", "adam");
    static final HParam<Double> MOMENTUM = HParam.choice("momentum", 0.0, 0.5, 0.9).when("optimizer", "sgd");
    static final HParam<Double> LR = HParam.choice("lr", 0.01, 0.1);
    static final SearchSpace SPACE = SearchSpace.of(OPTIMIZER, MOMENTUM, LR);

    @Test
    void aGridListsEachConfigOnceAndOnlyActiveParameters() {
        assertEquals((3 + 1) * 2, SPACE.gridSize(), "sgd x 3 momenta + adam, times 2 learning rates");
        Set<Config> seen = new HashSet<>();
        for (long i = 0; i < SPACE.gridSize(); i++) {
            Config config = SPACE.gridPoint(i);
            assertTrue(seen.add(config), "grid point " + i + " repeats " + config);
            assertEquals(config.get(OPTIMIZER).equals("sgd"), config.has("momentum"), config.toString());
            assertTrue(config.has("lr"));
        }
        Config adam = seen.stream().filter(c -> c.get(OPTIMIZER).equals("adam")).findFirst().orElseThrow();
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> adam.get(MOMENTUM));
        assertTrue(absent.getMessage().contains("exists only when optimizer is in [sgd]"), absent.getMessage());
        assertEquals(0.9, adam.getOrDefault(MOMENTUM, 0.9));
    }

    @Test
    void aSpaceWithoutConditionsEnumeratesAsBefore() {
        SearchSpace plain = SearchSpace.of(OPTIMIZER, HParam.choice("momentum", 0.0, 0.5, 0.9), LR);
        assertEquals(12, plain.gridSize());
        assertEquals(Config.of(java.util.Map.of("optimizer", "sgd", "momentum", 0.0, "lr", 0.1)), plain.gridPoint(1));
    }

    @Test
    void randomConfigsCarryAParameterExactlyWhenItIsActiveAndTheOthersDoNotMove() {
        SearchSpace unconditional = SearchSpace.of(OPTIMIZER, HParam.choice("momentum", 0.0, 0.5, 0.9), LR);
        int sgd = 0;
        for (int i = 0; i < 200; i++) {
            Config config = SPACE.sample(5, i);
            boolean isSgd = config.get(OPTIMIZER).equals("sgd");
            sgd += isSgd ? 1 : 0;
            assertEquals(isSgd, config.has("momentum"), config.toString());
            Config same = unconditional.sample(5, i);
            assertEquals(same.get(LR), config.get(LR), "a condition does not shift the other parameters' draws");
            assertEquals(same.get(OPTIMIZER), config.get(OPTIMIZER));
        }
        assertTrue(sgd > 60 && sgd < 140, "both branches are sampled: " + sgd);
    }

    @Test
    void nestedConditionsFollowTheirParents() {
        SearchSpace nested = SearchSpace.of(OPTIMIZER, HParam.choice("nesterov", true, false).when("optimizer", "sgd"),
            HParam.choice("dampening", 0.0, 0.1).when("nesterov", false), LR);
        assertEquals((1 + 2 + 1) * 2, nested.gridSize(), "sgd+nesterov, sgd+plain x 2 dampenings, adam; x 2 lr");
        for (long i = 0; i < nested.gridSize(); i++) {
            Config c = nested.gridPoint(i);
            assertEquals(c.has("nesterov") && c.values().get("nesterov").equals(false), c.has("dampening"), c.toString());
        }
    }

    @Test
    void misdeclaredConditionsAreRefusedNamingTheParameter() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SearchSpace.of(MOMENTUM, OPTIMIZER)).getMessage()
            .contains("momentum depends on optimizer, declared after it"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SearchSpace.of(MOMENTUM, LR)).getMessage()
            .contains("which is not in the space"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SearchSpace.of(OPTIMIZER,
            HParam.choice("momentum", 0.9).when("optimizer", "rmsprop"))).getMessage().contains("never takes rmsprop"));
        assertThrows(IllegalArgumentException.class, () -> HParam.choice("m", 0.9).when("optimizer"));
        assertThrows(IllegalArgumentException.class, () -> HParam.choice("m", 0.9).when("m", 0.9));
    }

    @Test
    void everySamplerAndSchedulerKeepsTheContractOverAConditionalSpace() {
        SearchSpace space = SearchSpace.of(OPTIMIZER, HParam.uniform("momentum", 0.5, 0.99).when("optimizer", "sgd")
            .gridPoints(3), HParam.logUniform("lr", 1e-3, 0.3).gridPoints(3));
        for (Strategy strategy : List.of(Strategy.grid(2), Strategy.random(12, 3), Strategy.tpe(20, 2),
                Strategy.asha(1, 9, 3).maxTrials(20).sampler(Sampler.tpe()), Strategy.hyperband(9, 3),
                Strategy.medianStopping(12, 4).sampler(Sampler.tpe()))) {
            StrategyContract.verify(strategy, space);
        }
    }

    @Test
    void aSearchTrainsOnlyTheActiveParametersAndItsReportShowsTheAbsentOnes(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        SearchSpace space = SearchSpace.of(HParam.choice("hidden", 0, 8),
            HParam.choice("momentum", 0.0, 0.9).when("hidden", 8), HParam.choice("lr", 0.05));
        try (Dataset train = MlpTrainableTest.blobs(300, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            SearchResult result = Cerebro.search(space).trainable(new MlpTrainable()).data(train, validation)
                .strategy(Strategy.grid(1)).objective(Objective.maximize("accuracy")).seed(2).progress(false)
                .report(tmp.resolve("report.html")).run();
            assertEquals(3, result.trials().size(), result.leaderboardTable(3));
            assertTrue(java.nio.file.Files.readString(tmp.resolve("report.html")).contains("momentum"));
            assertTrue(result.toCsv().contains("momentum"), result.toCsv());
            result.trials().forEach(t -> assertEquals(TrialStatus.COMPLETED, t.status()));
            assertEquals(1, result.trials().stream().filter(t -> !t.config().has("momentum")).count());
        }
    }
}
