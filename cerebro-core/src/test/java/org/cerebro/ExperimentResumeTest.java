package org.cerebro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Executor;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.exec.UnitRecord;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experiment directories in one JVM: a search cancelled at any unit resumes to the results of an
 * uninterrupted run without running completed units again; damage is detected; a directory of
 * another search, or one in use, is refused. (The kill -9 test is in cerebro-exec-local.)
 */
class ExperimentResumeTest {
    private static Dataset train;
    private static Dataset validation;

    @BeforeAll
    static void data() {
        train = MlpTrainableTest.blobs(240, 1);
        validation = MlpTrainableTest.blobs(60, 2);
    }

    @AfterAll
    static void free() {
        train.close();
        validation.close();
    }

    /** ASHA: adaptive, so a resume must replay the strategy's decisions, not only the trials. */
    static SearchBuilder search(long seed, Executor executor) {
        return Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3), HParam.choice("hidden", 0, 4)))
            .trainable(new MlpTrainable()).data(train, validation)
            .strategy(Strategy.asha(1, 4, 2).maxTrials(6))
            .objective(Objective.maximize("accuracy")).seed(seed).partitions(3).executor(executor).progress(false);
    }

    /** Runs until {@code units} units are done, then cancels; returns the cancelled result. */
    static SearchResult runAndCancelAfter(SearchBuilder builder, int units) throws InterruptedException {
        AtomicReference<RunningSearch> handle = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger();
        Search search = builder.listener(new SearchListener() {
            @Override
            public void unitDone(UnitRecord unit, int partitions) {
                if (done.incrementAndGet() == units) {
                    while (handle.get() == null) {
                        Thread.onSpinWait();
                    }
                    handle.get().cancel();
                }
            }
        }).build();
        handle.set(search.start());
        return handle.get().await();
    }

    @Test
    void aSearchCancelledAtAnyUnitResumesToTheUninterruptedResults(@TempDir Path tmp) throws Exception {
        SearchResult uninterrupted = search(5, new SequentialExecutor()).run();
        long total = uninterrupted.unitsRun();
        assertTrue(total > 20, "units " + total);
        for (int cutAt : new int[] {1, 2, 7, 13, (int) total - 1}) {
            Path dir = tmp.resolve("cut-" + cutAt);
            SearchResult cut = runAndCancelAfter(search(5, new SequentialExecutor()).experimentDir(dir), cutAt);
            assertEquals(cutAt, cut.unitsRun(), "the sequential executor stops at the unit boundary");
            assertTrue(cut.trials().stream().anyMatch(t -> t.status() == TrialStatus.CANCELLED), "cut at " + cutAt);
            SearchResult resumed = search(5, new SequentialExecutor()).experimentDir(dir).run();
            assertEquals(uninterrupted.trials(), resumed.trials(), "cut at " + cutAt);
            assertEquals(cutAt, resumed.unitsRecovered(), "cut at " + cutAt);
            assertEquals(total, resumed.unitsRecovered() + resumed.unitsRun(), "no unit runs twice; cut at " + cutAt);
            // and a finished directory replays without running anything
            SearchResult again = search(5, new SequentialExecutor()).experimentDir(dir).run();
            assertEquals(uninterrupted.trials(), again.trials());
            assertEquals(0, again.unitsRun());
        }
    }

    /** Population-based training: trials take over others' states and configs between epochs. */
    static SearchBuilder pbt(Executor executor) {
        return Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.01, 0.5), HParam.choice("hidden", 0, 4)))
            .trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.pbt(4, 4).perturbationInterval(1))
            .objective(Objective.maximize("accuracy")).seed(3).partitions(2).executor(executor).progress(false);
    }

    @Test
    void populationBasedTrainingCancelledAtEveryUnitResumesToTheUninterruptedResults(@TempDir Path tmp)
        throws Exception {
        SearchResult uninterrupted = pbt(new SequentialExecutor()).keepModels(4).run();
        long total = uninterrupted.unitsRun();
        assertEquals(4 * 4 * 2, total);
        assertTrue(uninterrupted.trials().stream().anyMatch(t -> t.epochs().stream().map(EpochRecord::config)
            .distinct().count() > 1), "some trial took over another's state: " + uninterrupted.trials());
        for (int cutAt = 1; cutAt < total; cutAt++) { // every unit: before, between and after each takeover
            Path dir = tmp.resolve("cut-" + cutAt);
            runAndCancelAfter(pbt(new SequentialExecutor()).experimentDir(dir), cutAt);
            SearchResult resumed = pbt(new SequentialExecutor()).experimentDir(dir).run();
            assertEquals(uninterrupted.trials(), resumed.trials(), "cut at " + cutAt);
            assertEquals(total, resumed.unitsRecovered() + resumed.unitsRun(), "no unit runs twice; cut at " + cutAt);
            try (var read = org.cerebro.experiment.Experiment.openToRead(dir)) {
                for (TrialResult trial : uninterrupted.trials()) {
                    assertEquals(trial.config(), read.trials().get(trial.trialId()).config(),
                        "the directory records each trial's config now; cut at " + cutAt);
                }
            }
        }
        Path twice = tmp.resolve("twice");
        runAndCancelAfter(pbt(new SequentialExecutor()).experimentDir(twice), 9);
        runAndCancelAfter(pbt(new SequentialExecutor()).experimentDir(twice), 7);
        SearchResult resumed = pbt(new SequentialExecutor()).experimentDir(twice).run();
        assertEquals(uninterrupted.trials(), resumed.trials());
        for (TrialResult trial : uninterrupted.trials()) { // all but the best come from the directory
            assertTrue(java.util.Arrays.equals(uninterrupted.model(trial.trialId()).predict(validation),
                resumed.model(trial.trialId()).predict(validation)), "trial " + trial.trialId() + "'s model");
            assertEquals(trial.config(), resumed.model(trial.trialId()).config());
        }
    }

    /** {@link MlpTrainable} under its own name with the default epoch cost: outcomes reach the strategy in grant order. */
    static final class EqualCosts implements org.cerebro.train.Trainable {
        private final MlpTrainable inner = new MlpTrainable();

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public org.cerebro.train.TrainableState init(org.cerebro.space.Config config, long seed,
            org.cerebro.train.DataSpec data) {
            return inner.init(config, seed, data);
        }

        @Override
        public org.cerebro.train.TrainableState restore(org.cerebro.space.Config config,
            org.cerebro.train.DataSpec data, byte[] bytes) {
            return inner.restore(config, data, bytes);
        }
    }

    /**
     * Grid search with every trial in hand at once, so outcomes can reach the strategy out of
     * grant order; described as {@code description} (what the experiment directory checks).
     */
    record AllAtOnce(Strategy grid, String description) implements Strategy {
        AllAtOnce(Strategy grid) {
            this(grid, grid.describe() + ", all at once");
        }

        @Override
        public org.cerebro.strategy.StrategyState begin(SearchSpace space, long seed) {
            return grid.begin(space, seed);
        }

        @Override
        public int minEpochs() {
            return grid.minEpochs();
        }

        @Override
        public int maxEpochs() {
            return grid.maxEpochs();
        }

        @Override
        public int targetConcurrency(int workers) {
            return 6;
        }

        @Override
        public String describe() {
            return description;
        }
    }

    @Test
    void aSearchResumesWhenItsOutcomesReachTheStrategyInAnotherOrderThanLogged(@TempDir Path tmp) throws Exception {
        // the log keeps arrival order; a resumed search whose epoch costs differ releases the
        // outcomes in another order, and its grants reach a logged epoch later than the log lists it
        java.util.function.Function<org.cerebro.train.Trainable, SearchBuilder> grid = trainable -> Cerebro.search(
                SearchSpace.of(HParam.choice("lr", 0.05, 0.2), HParam.choice("hidden", 16, 0, 4)))
            .trainable(trainable).data(train, validation).strategy(new AllAtOnce(Strategy.grid(3)))
            .objective(Objective.maximize("accuracy")).seed(4).partitions(3).executor(new SequentialExecutor())
            .progress(false);
        SearchResult uninterrupted = grid.apply(new MlpTrainable()).run();
        long total = uninterrupted.unitsRun();
        assertEquals(6 * 3 * 3, total);
        for (int cutAt : new int[] {4, 11, 23, 40}) {
            Path dir = tmp.resolve("cut-" + cutAt);
            runAndCancelAfter(grid.apply(new EqualCosts()).experimentDir(dir), cutAt);
            SearchResult resumed = grid.apply(new MlpTrainable()).experimentDir(dir).run();
            assertEquals(uninterrupted.trials(), resumed.trials(), "cut at " + cutAt);
            assertEquals(total, resumed.unitsRecovered() + resumed.unitsRun(), "no unit runs twice; cut at " + cutAt);
            assertEquals(List.of(), resumed.warnings(), "every logged epoch replayed; cut at " + cutAt);
        }
    }

    @Test
    void aResumedSearchThatNeverRunsALoggedEpochSaysSo(@TempDir Path tmp) throws Exception {
        // a strategy whose code changed under the same description: the log has epochs it never grants
        Strategy threeEpochs = new AllAtOnce(Strategy.grid(3));
        java.util.function.Function<Strategy, SearchBuilder> grid = strategy -> Cerebro.search(
                SearchSpace.of(HParam.choice("lr", 0.05, 0.2), HParam.choice("hidden", 16, 0, 4)))
            .trainable(new MlpTrainable()).data(train, validation).strategy(strategy)
            .objective(Objective.maximize("accuracy")).seed(4).partitions(3).executor(new SequentialExecutor())
            .progress(false);
        Path dir = tmp.resolve("exp");
        runAndCancelAfter(grid.apply(threeEpochs).experimentDir(dir), 50);
        SearchResult resumed = grid.apply(new AllAtOnce(Strategy.grid(2), threeEpochs.describe()))
            .experimentDir(dir).run();
        assertEquals(1, resumed.warnings().size(), resumed.warnings().toString());
        assertTrue(resumed.warnings().get(0).matches(".*its log has \\d+ epoch\\(s\\) this search never ran \\(first"
            + " trial=\\d+ epoch=3\\): the search no longer replays the recorded one.*"), resumed.warnings().get(0));
        assertTrue(resumed.trials().stream().allMatch(t -> t.epochs().size() == 2), "the search as it runs now");
    }

    @Test
    void resumingTwiceGivesTheSameResultsToo(@TempDir Path tmp) throws Exception {
        SearchResult uninterrupted = search(9, new SequentialExecutor()).run();
        Path dir = tmp.resolve("exp");
        runAndCancelAfter(search(9, new SequentialExecutor()).experimentDir(dir), 4);
        runAndCancelAfter(search(9, new SequentialExecutor()).experimentDir(dir), 5);
        SearchResult resumed = search(9, new SequentialExecutor()).experimentDir(dir).run();
        assertEquals(uninterrupted.trials(), resumed.trials());
        assertEquals(uninterrupted.unitsRun(), resumed.unitsRecovered() + resumed.unitsRun());
    }

    @Test
    void aSearchOfDataParallelEpochsResumesToTheUninterruptedResults(@TempDir Path tmp) throws Exception {
        SearchResult uninterrupted = search(5, new SequentialExecutor()).operator(org.cerebro.plan.Operator.DATA_PARALLEL)
            .run();
        Path dir = tmp.resolve("exp");
        SearchResult cut = runAndCancelAfter(search(5, new SequentialExecutor())
            .operator(org.cerebro.plan.Operator.DATA_PARALLEL).experimentDir(dir), 5);
        assertEquals(5, cut.unitsRun());
        SearchResult resumed = search(5, new SequentialExecutor()).operator(org.cerebro.plan.Operator.DATA_PARALLEL)
            .experimentDir(dir).run();
        assertEquals(uninterrupted.trials(), resumed.trials());
        assertEquals(5, resumed.unitsRecovered());
        assertEquals(uninterrupted.unitsRun(), resumed.unitsRecovered() + resumed.unitsRun());
    }

    @Test
    void aDamagedNewestCheckpointIsIgnoredForThePreviousOne(@TempDir Path tmp) throws Exception {
        SearchResult uninterrupted = search(5, new SequentialExecutor()).run();
        Path dir = tmp.resolve("exp");
        runAndCancelAfter(search(5, new SequentialExecutor()).experimentDir(dir), 8);
        Path newest = newestCheckpoint(dir);
        try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2); // as a torn write would leave it
        }
        List<String> told = new ArrayList<>();
        SearchResult resumed = search(5, new SequentialExecutor()).experimentDir(dir).listener(new SearchListener() {
            @Override
            public void warning(String message) {
                told.add(message);
            }
        }).run();
        assertEquals(uninterrupted.trials(), resumed.trials());
        assertEquals(7, resumed.unitsRecovered(), "the unit whose checkpoint was damaged is not counted as recovered");
        assertEquals(uninterrupted.unitsRun(), resumed.unitsRecovered() + resumed.unitsRun(),
            "it ran again, nothing else did");
        assertTrue(resumed.warnings().stream().anyMatch(w -> w.contains("ignored damaged checkpoint")
            && w.contains(newest.getFileName().toString())), resumed.warnings().toString());
        assertEquals(resumed.warnings(), told, "the listener heard of it as it was found");
    }

    @Test
    void aDeletedCheckpointFallsBackToThePreviousOneAndSaysSo(@TempDir Path tmp) throws Exception {
        SearchResult uninterrupted = search(5, new SequentialExecutor()).run();
        Path dir = tmp.resolve("exp");
        runAndCancelAfter(search(5, new SequentialExecutor()).experimentDir(dir), 8);
        Path newest = newestCheckpoint(dir);
        Files.delete(newest);
        SearchResult resumed = search(5, new SequentialExecutor()).experimentDir(dir).run();
        assertEquals(uninterrupted.trials(), resumed.trials());
        assertEquals(uninterrupted.unitsRun(), resumed.unitsRecovered() + resumed.unitsRun());
        assertTrue(resumed.warnings().stream().anyMatch(w -> w.contains(newest.getFileName().toString())),
            resumed.warnings().toString());
    }

    @Test
    void aDamagedCatalogIsNamedWithWhatTheUserCanDo(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("exp");
        runAndCancelAfter(search(5, new SequentialExecutor()).experimentDir(dir), 8);
        Path catalog = dir.resolve("catalog.cmap");
        try (FileChannel channel = FileChannel.open(catalog, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[256]), 0); // the header, zeroed
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> search(5, new SequentialExecutor()).experimentDir(dir).run());
        assertTrue(e.getMessage().contains("its catalog catalog.cmap is damaged")
            && e.getMessage().contains("cannot be rebuilt from checkpoints/")
            && e.getMessage().contains("run the search again with a fresh experimentDir"), e.getMessage());
    }

    private static Path newestCheckpoint(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("checkpoints"))) {
            return files.max(Comparator.comparingLong(ExperimentResumeTest::counter)).orElseThrow();
        }
    }

    private static long counter(Path checkpoint) {
        String name = checkpoint.getFileName().toString(); // t<trial>-e<epoch>-r<run>-<counter>.ckpt
        return Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.indexOf(".ckpt")));
    }

    @Test
    void aDirectoryOfAnotherSearchIsRefusedWithTheDifferences(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("exp");
        runAndCancelAfter(search(5, new SequentialExecutor()).experimentDir(dir), 3);
        IllegalArgumentException otherSeed = assertThrows(IllegalArgumentException.class,
            () -> search(6, new SequentialExecutor()).experimentDir(dir).run());
        assertTrue(otherSeed.getMessage().contains("belongs to a different search"), otherSeed.getMessage());
        assertTrue(otherSeed.getMessage().contains("seed: directory has '5', this search has '6'"),
            otherSeed.getMessage());
        try (Dataset otherData = MlpTrainableTest.blobs(240, 3)) {
            IllegalArgumentException data = assertThrows(IllegalArgumentException.class, () -> Cerebro.search(
                    SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3), HParam.choice("hidden", 0, 4)))
                .trainable(new MlpTrainable()).data(otherData, validation).strategy(Strategy.asha(1, 4, 2).maxTrials(6))
                .objective(Objective.maximize("accuracy")).seed(5).partitions(3).progress(false)
                .experimentDir(dir).run());
            assertTrue(data.getMessage().contains("train: directory has '240x5/3 crc32c="), data.getMessage());
        }
        IllegalArgumentException strategy = assertThrows(IllegalArgumentException.class, () -> Cerebro.search(
                SearchSpace.of(HParam.logUniform("lr", 0.01, 0.3), HParam.choice("hidden", 0, 4)))
            .trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.random(6, 4))
            .objective(Objective.maximize("accuracy")).seed(5).partitions(3).progress(false)
            .experimentDir(dir).run());
        assertTrue(strategy.getMessage().contains("strategy: directory has 'asha("), strategy.getMessage());
        // refused without damage: the right search still resumes
        SearchResult resumed = search(5, new SequentialExecutor()).experimentDir(dir).run();
        assertEquals(search(5, new SequentialExecutor()).run().trials(), resumed.trials());
    }

    @Test
    void aDirectoryInUseIsRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("exp");
        AtomicReference<Throwable> second = new AtomicReference<>();
        SearchResult first = search(5, new SequentialExecutor()).experimentDir(dir).listener(new SearchListener() {
            @Override
            public void unitDone(UnitRecord unit, int partitions) {
                if (second.get() == null) {
                    second.set(assertThrows(IllegalStateException.class,
                        () -> search(5, new SequentialExecutor()).experimentDir(dir).run()));
                }
            }
        }).run();
        assertTrue(second.get().getMessage().contains("is in use by another running search"), second.get().getMessage());
        assertEquals(search(5, new SequentialExecutor()).run().trials(), first.trials());
    }

    @Test
    void aFileIsNotAnExperimentDirectory(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> search(5, new SequentialExecutor()).experimentDir(file));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
    }
}
