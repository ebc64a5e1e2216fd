package org.cerebro.strategy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.cerebro.Cerebro;
import org.cerebro.EpochRecord;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.Study;
import org.cerebro.TrialResult;
import org.cerebro.TrialStatus;
import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.train.Metrics;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Population-based training: exploit and explore at every boundary, through the API, ask/tell and a real search. */
class PopulationBasedTrainingTest {
    static final SearchSpace SPACE = SearchSpace.of(HParam.logUniform("lr", 1e-4, 1.0),
        HParam.uniform("momentum", 0.0, 0.95), HParam.choice("hidden", 0, 8, 16));

    @Test
    void itKeepsTheStrategyContract() {
        StrategyContract.verify(Strategy.pbt(8, 6), SPACE);
        StrategyContract.verify(Strategy.pbt(5, 7).perturbationInterval(3).quantile(0.4).mutations("lr", "hidden"), SPACE);
    }

    @Test
    void theQuantileIsRaysAndTheDefaultsAreDocumented() {
        assertEquals(2, PopulationBasedTraining.quantileSize(8, 0.25));
        assertEquals(1, PopulationBasedTraining.quantileSize(3, 0.25));
        assertEquals(1, PopulationBasedTraining.quantileSize(2, 0.5));
        PopulationBasedTraining pbt = Strategy.pbt(16, 20);
        assertEquals(2, pbt.perturbationInterval());
        assertEquals(0.25, pbt.quantile());
        assertEquals(0.25, pbt.resampleProbability());
        assertEquals("pbt(population=16, epochs=20, interval=2, quantile=0.25, resample=0.25)", pbt.describe());
    }

    @Test
    void theBottomQuantileCopiesTheTopAndMovesTowardsTheBestLearningRate() {
        StrategySimulator sim = new StrategySimulator();
        // the score depends only on the learning rate, best at 1e-2
        sim.run(Strategy.pbt(8, 12).begin(SPACE, 3), 8, 3,
            (id, config, epoch) -> -Math.abs(Math.log10((Double) config.values().get("lr")) + 2), (id, from, s) -> { });
        assertEquals(8 * 12, sim.epochsRun, "every member trains every epoch");
        assertEquals(5 * 2, sim.exploits.size(), "2 of 8 replaced at each of the 5 boundaries");
        for (Decision.Exploit e : sim.exploits) {
            assertFalse(e.trialId() == e.sourceTrialId());
        }
        Map<Integer, Config> initial = new HashMap<>();
        SearchSpace space = SPACE;
        double before = 0;
        double after = 0;
        for (int id = 0; id < 8; id++) {
            initial.put(id, space.sample(3, id));
            before += Math.abs(Math.log10((Double) initial.get(id).values().get("lr")) + 2);
            after += Math.abs(Math.log10((Double) sim.configs.get(id).values().get("lr")) + 2);
        }
        assertTrue(after < 0.5 * before, "the population's learning rates move towards 1e-2: " + before / 8 + " -> "
            + after / 8);
        for (Decision.Exploit e : sim.exploits) { // the architecture comes with the copied state
            assertTrue(e.config().values().get("hidden") != null);
        }
    }

    @Test
    void badSettingsAreRefusedBeforeAnyWork() {
        assertThrows(IllegalArgumentException.class, () -> Strategy.pbt(1, 5));
        assertThrows(IllegalArgumentException.class, () -> Strategy.pbt(4, 5).perturbationInterval(6));
        assertThrows(IllegalArgumentException.class, () -> Strategy.pbt(4, 5).quantile(0.6));
        assertThrows(IllegalArgumentException.class, () -> Strategy.pbt(4, 5).resampleProbability(1.5));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Strategy.pbt(4, 5).mutations("dropout")
            .begin(SPACE, 1)).getMessage().contains("pbt mutation dropout is not in the space"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Strategy.pbt(4, 5)
            .begin(SearchSpace.of(HParam.choice("hidden", 0, 8)), 1)).getMessage().contains("no continuous parameter"));
    }

    @Test
    void aSearchChangesLearningRatesMidTrainingAndRecordsEachEpochsConfig(@TempDir java.nio.file.Path tmp) {
        SearchSpace space = SearchSpace.of(HParam.logUniform("lr", 1e-3, 0.5), HParam.choice("hidden", 0, 8));
        try (Dataset train = MlpTrainableTest.blobs(400, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            var builder = Cerebro.search(space).trainable(new MlpTrainable()).data(train, validation)
                .strategy(Strategy.pbt(6, 6)).objective(Objective.maximize("accuracy")).seed(4).progress(false);
            SearchResult result = builder.report(tmp.resolve("pbt.html")).run();
            String html = assertDoesNotThrow(() -> java.nio.file.Files.readString(tmp.resolve("pbt.html")));
            assertTrue(html.contains("config changes (population-based training)") && html.contains("from epoch 3: lr="),
                "the report shows each trial's config history");
            assertEquals(6, result.trials().size());
            for (TrialResult trial : result.trials()) {
                assertEquals(TrialStatus.COMPLETED, trial.status(), trial.toString());
                assertEquals(6, trial.epochsCompleted());
                assertEquals(trial.config(), trial.epochs().get(5).config(), "the final config is the last epoch's");
            }
            long changed = result.trials().stream().filter(t -> t.epochs().stream().map(EpochRecord::config)
                .distinct().count() > 1).count();
            assertTrue(changed >= 2, "bottom trials took new configs mid-training: " + result.trials());
            assertEquals(result.trials(), Cerebro.search(space).trainable(new MlpTrainable()).data(train, validation)
                .strategy(Strategy.pbt(6, 6)).objective(Objective.maximize("accuracy")).seed(4).progress(false).run()
                .trials(), "the same seed gives the same population");
            assertTrue(result.bestModel().orElseThrow().predict(validation).length == validation.size());
        }
    }

    @Test
    void askAndTellSaysWhichTrialsModelToContinueFrom() {
        Study study = Study.create(SearchSpace.of(HParam.logUniform("lr", 1e-4, 1.0)), Strategy.pbt(4, 4),
            Objective.maximize("accuracy"), 9);
        Map<Integer, Double> model = new HashMap<>(); // a "model" is the quality it has reached
        int copies = 0;
        for (Optional<Study.Work> work; (work = study.ask()).isPresent(); ) {
            Study.Work w = work.get();
            if (w.copiesState()) {
                copies++;
                model.put(w.trialId(), model.get(w.stateFrom()));
            }
            double lr = w.config().get(HParam.logUniform("lr", 1e-4, 1.0));
            for (int epoch = w.fromEpoch(); epoch <= w.toEpoch(); epoch++) {
                double quality = model.merge(w.trialId(), 1 - Math.abs(Math.log10(lr) + 2) / 4, Double::sum);
                if (study.tell(w.trialId(), epoch, Metrics.of(0, quality / epoch)) != EpochDecision.CONTINUE) {
                    break;
                }
            }
        }
        assertTrue(study.finished());
        assertEquals(1 * 1, copies, "one of 4 replaced at the one boundary before epoch 4 (interval 2)");
    }
}
