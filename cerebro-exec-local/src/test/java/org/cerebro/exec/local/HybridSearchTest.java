package org.cerebro.exec.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchResult;
import org.cerebro.TrialStatus;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Executor;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.exec.UnitRecord;
import org.cerebro.plan.Operator;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel epochs and the hybrid through the whole stack: the kernel decides, the local
 * executor's worker threads train one trial together, and the results are the single-worker ones.
 */
class HybridSearchTest {
    private static SearchBuilder search(Dataset train, Dataset validation, Executor executor, Strategy strategy,
                                        int partitions) {
        return Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3), HParam.choice("hidden", 0, 8),
                HParam.choice("batch_size", 16, 25)))
            .trainable(new MlpTrainable()).data(train, validation).strategy(strategy)
            .objective(Objective.maximize("accuracy")).seed(4).partitions(partitions).executor(executor)
            .progress(false);
    }

    @Test
    void dataParallelEpochsOnOneRankAreTheHoppingResultsBitForBit() {
        try (Dataset train = MlpTrainableTest.blobs(400, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            SearchResult hopping = search(train, validation, new SequentialExecutor(), Strategy.random(4, 3), 1)
                .operator(Operator.MOP).run();
            SearchResult parallel = search(train, validation, new SequentialExecutor(), Strategy.random(4, 3), 1)
                .operator(Operator.DATA_PARALLEL).run();
            for (int t = 0; t < hopping.trials().size(); t++) {
                List<org.cerebro.EpochRecord> a = hopping.trials().get(t).epochs();
                List<org.cerebro.EpochRecord> b = parallel.trials().get(t).epochs();
                assertEquals(a.size(), b.size());
                for (int e = 0; e < a.size(); e++) {
                    assertEquals(a.get(e).metrics(), b.get(e).metrics(), "validation metrics, bit for bit");
                    assertEquals(a.get(e).trainLoss(), b.get(e).trainLoss(), 1e-12, "the training loss is summed per step");
                }
            }
            assertTrue(parallel.units().stream().allMatch(UnitRecord::dataParallel), parallel.units().toString());
            assertEquals(12, parallel.unitsRun(), "an epoch is one unit");
        }
    }

    @Test
    void dataParallelEpochsUseEveryWorkerAndGiveTheSameResultsEveryRun() {
        try (Dataset train = MlpTrainableTest.blobs(600, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            SearchResult first = search(train, validation, LocalExecutor.cpus(2), Strategy.random(3, 2), 4)
                .operator(Operator.DATA_PARALLEL).run();
            SearchResult second = search(train, validation, LocalExecutor.cpus(2), Strategy.random(3, 2), 4)
                .operator(Operator.DATA_PARALLEL).run();
            assertEquals(first.trials(), second.trials(), "the gradient sum's order is fixed: same bits every run");
            first.trials().forEach(t -> assertEquals(TrialStatus.COMPLETED, t.status()));
            assertEquals(6, first.unitsRun());
            assertEquals(12, first.units().size(), "each epoch has a record on each of the 2 workers");
            for (int i = 0; i < first.units().size(); i += 2) {
                UnitRecord a = first.units().get(i);
                UnitRecord b = first.units().get(i + 1);
                assertTrue(a.dataParallel() && b.dataParallel() && a.worker() != b.worker()
                    && a.startNanos() == b.startNanos(), a + " " + b);
            }
            assertTrue(first.best().orElseThrow().lastEpoch().metrics().accuracy() > 0.8, first.leaderboardTable(3));
        }
    }

    @Test
    void theHybridTrainsDataParallelWhileOneTrialIsInHandAndHopsWhileTwoAre() {
        try (Dataset train = MlpTrainableTest.blobs(600, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            SearchResult one = search(train, validation, LocalExecutor.cpus(2), Strategy.random(1, 3), 4)
                .operator(Operator.HYBRID).run();
            assertTrue(one.units().stream().allMatch(UnitRecord::dataParallel), one.units().toString());
            SearchResult two = search(train, validation, LocalExecutor.cpus(2), Strategy.random(2, 3), 4)
                .operator(Operator.HYBRID).run();
            assertTrue(two.units().stream().noneMatch(UnitRecord::dataParallel), "two trials keep two workers busy");
        }
    }

    @Test
    void theHybridHopsWhileTheSearchIsWideAndTrainsItsNarrowTailOnEveryWorker() {
        try (Dataset train = MlpTrainableTest.blobs(800, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            SearchResult result = search(train, validation, LocalExecutor.cpus(2), Strategy.asha(1, 9, 3).maxTrials(9),
                4).operator(Operator.HYBRID).run();
            List<UnitRecord> units = result.units();
            assertTrue(units.stream().anyMatch(u -> !u.dataParallel()), "the wide start hops");
            // a data-parallel epoch holds every worker: no hop overlaps it
            for (UnitRecord dp : units.stream().filter(UnitRecord::dataParallel).toList()) {
                assertTrue(units.stream().filter(u -> !u.dataParallel()).noneMatch(u -> u.startNanos() < dp.endNanos()
                    && dp.startNanos() < u.endNanos()), dp + " overlaps a hop");
            }
            // the epochs the last trial began after every other trial had ended ran data-parallel (the
            // operator switches between epochs, so the epoch in progress then finishes hopping)
            UnitRecord last = units.get(units.size() - 1);
            long othersEnd = units.stream().filter(u -> u.trialId() != last.trialId()).mapToLong(UnitRecord::endNanos)
                .max().orElse(Long.MIN_VALUE);
            int inProgress = units.stream().filter(u -> u.trialId() == last.trialId() && u.startNanos() <= othersEnd)
                .mapToInt(UnitRecord::epoch).max().orElse(0);
            List<UnitRecord> alone = units.stream().filter(u -> u.trialId() == last.trialId() && u.epoch() > inProgress)
                .toList();
            assertTrue(alone.stream().allMatch(UnitRecord::dataParallel), "alone: " + alone);
            assertTrue(result.explain().contains("HYBRID") && result.explain().contains("data-parallel epoch(s)"),
                result.explain());
            result.trials().forEach(t -> assertTrue(t.status() == TrialStatus.COMPLETED
                || t.status() == TrialStatus.STOPPED, t.toString()));
        }
    }
}
