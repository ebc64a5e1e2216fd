package org.cerebro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cerebro.data.Dataset;
import org.cerebro.experiment.Experiment;
import org.cerebro.experiment.RecordedTrial;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.cerebro.train.TrainedModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trained models back from a search: kept in memory, read from an experiment directory, saved to a file. */
class ModelsTest {
    private static final SearchSpace SPACE = SearchSpace.of(HParam.choice("lr", 0.02, 0.05, 0.1),
        HParam.choice("hidden", 0, 8));

    private Dataset train;
    private Dataset validation;

    @BeforeEach
    void data() {
        train = MlpTrainableTest.blobs(600, 1);
        validation = MlpTrainableTest.blobs(200, 2);
    }

    @AfterEach
    void close() {
        train.close();
        validation.close();
    }

    private SearchBuilder search() {
        return Cerebro.search(SPACE).trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.grid(3))
            .objective(Objective.maximize("accuracy")).seed(5).partitions(3);
    }

    @Test
    void theSearchKeepsTheBestModelsItIsAskedToAndSaysHowToGetTheOthers() {
        SearchResult one = search().run();
        assertEquals(java.util.Set.of(one.best().orElseThrow().trialId()), one.keptModels(), "by default the best");
        SearchResult three = search().keepModels(3).run();
        List<TrialResult> board = three.leaderboard();
        assertEquals(java.util.Set.of(board.get(0).trialId(), board.get(1).trialId(), board.get(2).trialId()),
            three.keptModels(), "the top three of the leaderboard");
        for (int id : three.keptModels()) {
            TrialResult trial = three.trials().get(id);
            assertEquals(trial.lastEpoch().metrics(), three.model(id).evaluate(validation), "trial " + id);
        }
        int notKept = board.get(5).trialId();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> three.model(notKept));
        assertTrue(e.getMessage().contains("keepModels") && e.getMessage().contains("experimentDir"), e.getMessage());
        SearchResult none = search().keepModels(0).run();
        assertTrue(none.keptModels().isEmpty(), "keeps none");
        assertThrows(IllegalArgumentException.class, none::bestModel, "and says why there is no model");
    }

    @Test
    void anyTrialsModelComesBackFromTheExperimentDirectoryAfterTheSearch(@TempDir Path tmp) {
        Path dir = tmp.resolve("exp");
        SearchResult result = search().keepModels(0).experimentDir(dir).run();
        for (TrialResult trial : result.trials()) {
            TrainedModel model = result.model(trial.trialId());
            assertEquals(trial.lastEpoch().metrics(), model.evaluate(validation), "trial " + trial.trialId());
            assertEquals(3, model.epochs());
        }
        try (Experiment experiment = Experiment.openToRead(dir)) {
            List<RecordedTrial> trials = experiment.trials();
            assertEquals(6, trials.size());
            RecordedTrial first = trials.get(0);
            assertEquals(result.trials().get(0).config(), first.config());
            assertEquals("completed", first.status());
            assertEquals(3, first.epochsDone());
            TrainedModel rebuilt = experiment.model(0); // the trainable rebuilt from the spec the directory recorded
            assertTrue(rebuilt.trainable() instanceof MlpTrainable);
            assertEquals(result.trials().get(0).lastEpoch().metrics(), rebuilt.evaluate(validation));
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> experiment.model(99));
            assertTrue(unknown.getMessage().contains("no trial=99"), unknown.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Experiment.openToRead(tmp.resolve("nothing-here")));
    }

    @Test
    void aModelSavedToAFileLoadsBackInFull(@TempDir Path tmp) throws Exception {
        TrainedModel best = search().run().bestModel().orElseThrow();
        Path file = tmp.resolve("best.cerebro-model");
        best.save(file);
        TrainedModel loaded = TrainedModel.load(file);
        assertEquals(best.config(), loaded.config());
        assertEquals(best.metrics(), loaded.metrics());
        assertEquals(best.evaluate(validation), loaded.evaluate(validation));
        assertTrue(java.util.Arrays.equals(best.predict(validation), loaded.predict(validation)));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        IllegalArgumentException damaged = assertThrows(IllegalArgumentException.class, () -> TrainedModel.load(file));
        assertTrue(damaged.getMessage().contains("fails its CRC-32C") && damaged.getMessage().contains(file.toString()),
            damaged.getMessage());
    }

    @Test
    void aTestSetMustMatchTheDataAndTheModelsKept() {
        try (Dataset narrow = MlpTrainableTestData.narrow(); Dataset test = MlpTrainableTest.blobs(50, 4)) {
            IllegalArgumentException wrongShape = assertThrows(IllegalArgumentException.class,
                () -> search().test(narrow).build());
            assertTrue(wrongShape.getMessage().contains("test featureWidth"), wrongShape.getMessage());
            IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                () -> search().test(test, 3).keepModels(1).build());
            assertTrue(tooFew.getMessage().contains("keepModels=1"), tooFew.getMessage());
            SearchResult result = search().test(test).run();
            assertEquals(1, result.trials().stream().filter(t -> t.test() != null).count());
            assertTrue(result.toJson().contains("\"test\":{\"loss\""), "the JSON export has the test metrics");
            assertTrue(result.toCsv().startsWith("trial,config_id,status,epochs,accuracy,loss,accuracy,test_accuracy"),
                result.toCsv());
        }
    }
}
