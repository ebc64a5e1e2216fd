package org.cerebro.exec.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Sampler;
import org.cerebro.strategy.Strategy;
import org.cerebro.testing.DelayedMlp;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.Test;

/**
 * The test the promise failed before: passes that take a random 0-15 ms longer, so the two
 * workers finish in a different order every run, yet ASHA (with TPE sampling, which learns from
 * the scores in the order it sees them) makes the same decisions and gives the same results.
 */
class ReproducibleDecisionsTest {
    private static SearchBuilder search(Dataset train, Dataset validation) {
        return Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.005, 0.5), HParam.choice("hidden", 0, 8),
                HParam.choice("batch_size", 16, 32)))
            .trainable(new DelayedMlp.Jittery()).data(train, validation)
            .strategy(Strategy.asha(1, 9, 3).maxTrials(18).sampler(Sampler.tpe().startupTrials(6)))
            .objective(Objective.maximize("accuracy")).seed(11).partitions(4).executor(LocalExecutor.cpus(2))
            .progress(false);
    }

    @Test
    void ashaWithTpeMakesTheSameDecisionsHoweverTheWorkersAreTimed() {
        try (Dataset train = MlpTrainableTest.blobs(400, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            SearchResult first = search(train, validation).run();
            SearchResult second = search(train, validation).run();
            SearchResult third = search(train, validation).run();
            assertEquals(first.trials(), second.trials(), "same configs, promotions, epochs and metrics");
            assertEquals(first.trials(), third.trials());
            assertTrue(first.trials().stream().anyMatch(t -> t.epochsCompleted() > 1), "ASHA promoted someone");
        }
    }

    @Test
    void populationBasedTrainingMakesTheSameExploitsHoweverTheWorkersAreTimed() {
        try (Dataset train = MlpTrainableTest.blobs(400, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            java.util.function.Supplier<SearchResult> run = () -> Cerebro.search(SearchSpace.of(
                    HParam.logUniform("lr", 0.001, 0.5), HParam.uniform("momentum", 0.0, 0.95), HParam.choice("hidden", 0, 8)))
                .trainable(new DelayedMlp.Jittery()).data(train, validation).strategy(Strategy.pbt(6, 6))
                .objective(Objective.maximize("accuracy")).seed(5).partitions(4).executor(LocalExecutor.cpus(2))
                .progress(false).run();
            SearchResult first = run.get();
            SearchResult second = run.get();
            SearchResult third = run.get();
            assertEquals(first.trials(), second.trials(), "same exploits, configs per epoch and metrics");
            assertEquals(first.trials(), third.trials());
            assertTrue(first.trials().stream().anyMatch(t -> t.epochs().stream().map(e -> e.config()).distinct().count() > 1),
                "some trial took another's state and a new config");
        }
    }
}
