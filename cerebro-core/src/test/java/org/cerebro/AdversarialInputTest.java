package org.cerebro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.cerebro.data.CsvSchema;
import org.cerebro.data.DataException;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an adversarial user, file or trainable does to the public API, class by class: every
 * failure is a clear error before any work, or one failed trial, never a lost search.
 */
class AdversarialInputTest {
    private static final SearchSpace SPACE = SearchSpace.of(HParam.choice("lr", 0.02, 0.05, 0.1),
        HParam.choice("hidden", 0, 8));

    private Dataset train;
    private Dataset validation;

    @BeforeEach
    void data() {
        train = MlpTrainableTest.blobs(400, 1);
        validation = MlpTrainableTest.blobs(100, 2);
    }

    @AfterEach
    void close() {
        train.close();
        validation.close();
    }

    private SearchBuilder search(Trainable trainable, Strategy strategy) {
        return Cerebro.search(SPACE).trainable(trainable).data(train, validation).strategy(strategy)
            .objective(Objective.maximize("accuracy")).seed(3).partitions(2).progress(false);
    }

    /** The pure-Java MLP, whose states misbehave, for {@code lr=0.05}, in the method {@code where} names. */
    static final class Misbehaving implements Trainable {
        final String where;
        final boolean error;
        final MlpTrainable inner = new MlpTrainable();

        Misbehaving(String where, boolean error) {
            this.where = where;
            this.error = error;
        }

        @Override
        public String name() {
            return "misbehaving-" + where;
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            return wrap(inner.init(config, seed, data), config);
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            return wrap(inner.restore(config, data, bytes), config);
        }

        @Override
        public void configureWorkers(int workers) {
            if (where.equals("configureWorkers")) {
                throw new IllegalStateException("no thread pool for you");
            }
        }

        private TrainableState wrap(TrainableState state, Config config) {
            boolean bad = (double) config.values().get("lr") == 0.05;
            return new TrainableState() {
                @Override
                public double trainPass(Dataset partition) {
                    return where.equals("loss") && bad ? 332.0 : state.trainPass(partition);
                }

                @Override
                public Metrics evaluate(Dataset data) {
                    return state.evaluate(data);
                }

                @Override
                public byte[] toBytes() {
                    if (where.equals("toBytes") && bad) {
                        if (error) {
                            throw new OutOfMemoryError("simulated: cannot serialise");
                        }
                        throw new IllegalStateException("cannot serialise");
                    }
                    return state.toBytes();
                }

                @Override
                public void close() {
                    state.close();
                    if (where.equals("close") && bad) {
                        throw new IllegalStateException("native free failed");
                    }
                }
            };
        }
    }

    // 1. User code that throws outside a training pass fails its trial, never the search

    @Test
    void aStateThatCannotBeSerialisedWhenPausedFailsOnlyItsTrial() {
        SearchResult result = search(new Misbehaving("toBytes", false), Strategy.asha(1, 3, 3).maxTrials(6)).run();
        assertEquals(6, result.trials().size());
        List<TrialResult> failed = result.failures();
        assertTrue(!failed.isEmpty() && failed.stream().allMatch(t -> (double) t.config().values().get("lr") == 0.05),
            result.leaderboardTable(6));
        assertTrue(failed.stream().allMatch(t -> t.failure().contains("cannot serialise")), failed.toString());
        assertTrue(result.best().isPresent(), "the other trials' results are all there");
    }

    @Test
    void aStateWhoseCloseThrowsFailsOnlyItsTrialAndTheResultsAreKept() {
        SearchResult result = search(new Misbehaving("close", false), Strategy.grid(2)).run();
        assertEquals(6, result.trials().size());
        assertEquals(2, result.failures().size(), result.leaderboardTable(6));
        assertTrue(result.failures().stream().allMatch(t -> t.failure().contains("native free failed")
            && t.epochsCompleted() == 2), "its epochs are kept, and why it failed is said");
        assertEquals(4, result.leaderboard().size());
    }

    @Test
    void anErrorInUserCodeOnTheSearchsThreadEndsTheRunSayingWhere() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> search(new Misbehaving("toBytes", true), Strategy.asha(1, 3, 3).maxTrials(6)).run());
        assertTrue(e.getMessage().contains("toBytes() while pausing it threw java.lang.OutOfMemoryError: simulated")
            && e.getMessage().contains("resume"), e.getMessage());
    }

    @Test
    void aListenerOrConfigureWorkersThatThrowsIsReportedAndTheSearchGoesOn() {
        SearchResult result = search(new Misbehaving("configureWorkers", false), Strategy.grid(1))
            .listener(new SearchListener() {
                @Override
                public void epochEnded(int trialId, int epoch, Metrics metrics, double score) {
                    throw new IllegalStateException("listener bug");
                }
            }).run();
        assertEquals(6, result.leaderboard().size());
        assertTrue(result.warnings().stream().anyMatch(w -> w.contains("threw in epochEnded") && w.contains("listener bug")),
            result.warnings().toString());
        assertTrue(result.warnings().stream().anyMatch(w -> w.contains("configureWorkers(1) threw")),
            result.warnings().toString());
    }

    // 2. Validation happens before any work

    /** Counts the states it makes: a misused search must make none. */
    static final class Counting implements Trainable {
        final AtomicInteger states = new AtomicInteger();
        final MlpTrainable inner = new MlpTrainable();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            states.incrementAndGet();
            return inner.init(config, seed, data);
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            states.incrementAndGet();
            return inner.restore(config, data, bytes);
        }
    }

    @Test
    void anObjectiveTheTrainableDoesNotReportIsRefusedBeforeAnyWork() {
        Counting trainable = new Counting();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Cerebro.search(SPACE).trainable(trainable).data(train, validation).strategy(Strategy.grid(1))
                .objective(Objective.maximize("f1")).build());
        assertTrue(e.getMessage().contains("objective metric=f1") && e.getMessage().contains("[accuracy, loss]"),
            e.getMessage());
        assertEquals(0, trainable.states.get(), "nothing was profiled or trained");
    }

    @Test
    void settingsThatOverflowOrAreNullGetClearErrors() {
        SearchResult long365k = search(new MlpTrainable(), Strategy.asha(1, 3, 3).maxTrials(3)
            .timeBudget(Duration.ofDays(365_000))).run();
        assertEquals(3, long365k.trials().size(), "a budget past 292 years means no time limit, not an overflow");
        IllegalArgumentException nullChoice = assertThrows(IllegalArgumentException.class,
            () -> HParam.choice("act", "relu", null));
        assertTrue(nullChoice.getMessage().contains("hyperparameter act: value 1 of 2 is null"), nullChoice.getMessage());
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
            () -> HParam.choice("shape", List.of(1, 2), List.of(3)));
        assertTrue(odd.getMessage().contains("hyperparameter shape: value 0") && odd.getMessage().contains("List"),
            odd.getMessage());
        IllegalArgumentException nullTrainable = assertThrows(IllegalArgumentException.class,
            () -> Cerebro.search(SPACE).trainable(null));
        assertTrue(nullTrainable.getMessage().contains("setting trainable is null"), nullTrainable.getMessage());
        IllegalArgumentException nullMetric = assertThrows(IllegalArgumentException.class,
            () -> Objective.maximize(null));
        assertTrue(nullMetric.getMessage().contains("objective metric"), nullMetric.getMessage());
    }

    // 3. A small malformed file never exhausts memory

    private static byte[] header(int magic, int... dims) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length).putInt(magic);
        for (int d : dims) {
            buffer.putInt(d);
        }
        return buffer.array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void headersDeclaringHugeSizesAreRefusedBeforeAnythingIsAllocated(@TempDir Path tmp) throws Exception {
        Path labels = Files.write(tmp.resolve("labels.idx"), concat(header(0x801, 10), new byte[10]));
        Path images = Files.write(tmp.resolve("images.idx"), header(0x803, 10, 10_000, 10_000)); // 40 bytes, 10^9 pixels
        DataException huge = assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> assertThrows(DataException.class, () -> Datasets.idx(images, labels)));
        assertTrue(huge.getMessage().contains("file=images.idx") && huge.getMessage().contains("1000000016")
            && huge.getMessage().contains("16 bytes"), huge.getMessage());
        Path manyLabels = Files.write(tmp.resolve("many-labels.idx.gz"), gzip(header(0x801, 2_000_000_000)));
        DataException claimed = assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> assertThrows(DataException.class, () -> Datasets.idx(images, manyLabels)));
        assertTrue(claimed.getMessage().contains("file=many-labels.idx.gz") && claimed.getMessage().contains("holds at most"),
            claimed.getMessage());
        byte[] zipped = gzip(concat(header(0x801, 10), new byte[10]));
        zipped[zipped.length / 2] ^= 0x5A; // the deflate body, damaged
        zipped[zipped.length / 2 + 1] ^= 0x5A;
        Path corrupt = Files.write(tmp.resolve("corrupt.idx.gz"), zipped);
        DataException bad = assertThrows(DataException.class, () -> Datasets.idx(images, corrupt));
        assertTrue(bad.getMessage().contains("corrupt.idx.gz"), bad.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    // 4. Text input that real files contain

    @Test
    void aByteOrderMarkIsStrippedAndOnlyDecimalNumbersAreNumbers(@TempDir Path tmp) throws Exception {
        CsvSchema withHeader = CsvSchema.builder().header(true).numeric("x").label("y").build();
        Path excel = Files.write(tmp.resolve("excel.csv"), ("\uFEFFx,y\n1.5,a\n2,b\n").getBytes(StandardCharsets.UTF_8));
        try (Dataset read = Datasets.csv(withHeader, excel)) {
            assertEquals(2, read.size());
        }
        CsvSchema labelFirst = CsvSchema.builder().label("y", List.of("a", "b")).numeric("x").build();
        Path bomLabel = Files.write(tmp.resolve("bom-label.csv"), ("\uFEFFa,1\nb,2\n").getBytes(StandardCharsets.UTF_8));
        try (Dataset read = Datasets.csv(labelFirst, bomLabel)) {
            assertEquals(0, read.label(0), "the first label is a, not \\uFEFFa");
        }
        for (String notDecimal : List.of("1f", "2d", "0x1p3", "NaN", "Infinity", "1e", "--1")) {
            Path file = Files.writeString(tmp.resolve("n.csv"), "x,y\n3,a\n" + notDecimal + ",b\n");
            DataException e = assertThrows(DataException.class, () -> Datasets.csv(withHeader, file), notDecimal);
            assertTrue(e.getMessage().contains("file=n.csv line=3 column=x expected=decimal number got=\"" + notDecimal
                + "\""), e.getMessage());
        }
        CsvSchema onlyMissing = CsvSchema.builder().categorical("color").label("y").missingToken("?").build();
        Path missing = Files.writeString(tmp.resolve("missing.csv"), "?,a\n?,b\n");
        DataException empty = assertThrows(DataException.class, () -> Datasets.csv(onlyMissing, missing));
        assertTrue(empty.getMessage().contains("file=missing.csv column=color is missing"), empty.getMessage());
    }

    // 5. Hyperparameter domains with arithmetic edge cases

    @Test
    void integerRangesSampleTheirWholeRangeAndGridsNeverRepeatAValue() {
        HParam<Integer> wide = HParam.intRange("n", 0, Integer.MAX_VALUE);
        SplittableRandom random = new SplittableRandom(1);
        int high = 0;
        for (int i = 0; i < 1000; i++) {
            high = Math.max(high, wide.sample(random));
        }
        assertTrue(high > Integer.MAX_VALUE / 2, "samples reach the top half of the range: " + high);
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
            () -> HParam.intRange("n", 1, 3).gridPoints(10));
        assertTrue(tooMany.getMessage().contains("holds only 3 distinct values"), tooMany.getMessage());
        IllegalArgumentException rounded = assertThrows(IllegalArgumentException.class,
            () -> HParam.intLogRange("width", 1, 10).gridPoints(8));
        assertTrue(rounded.getMessage().contains("rounds two points to"), rounded.getMessage());
        HParam<Integer> three = HParam.intRange("n", 1, 3).gridPoints(3);
        Set<Object> values = new HashSet<>();
        for (long i = 0; i < three.gridSize(); i++) {
            values.add(three.gridValue(i));
        }
        assertEquals(Set.of(1, 2, 3), values);
    }

    // 6. Closed resources

    @Test
    void aSearchOnAClosedDatasetIsRefusedNamingIt() {
        Dataset closed = MlpTrainableTest.blobs(50, 9);
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> Cerebro.search(SPACE).trainable(new MlpTrainable()).data(closed, validation).strategy(Strategy.grid(1))
                .objective(Objective.maximize("accuracy")).build());
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }

    @Test
    void aValidationSetClosedDuringTheSearchFailsTheTrialsThatReadItNamingIt() {
        SearchResult result = search(new MlpTrainable(), Strategy.grid(2)).listener(new SearchListener() {
            @Override
            public void epochEnded(int trialId, int epoch, Metrics metrics, double score) {
                validation.close();
            }
        }).run();
        assertEquals(6, result.trials().size(), "the run returns every trial");
        assertTrue(result.trials().stream().anyMatch(t -> t.epochsCompleted() == 1), "the epoch scored before is kept");
        assertTrue(result.failures().size() == 6 && result.failures().stream()
            .allMatch(t -> t.failure().contains("dataset=") && t.failure().contains("is closed")), result.leaderboardTable(6));
    }

    // 7. Divergence that is not NaN

    @Test
    void aDivergenceLimitFailsTrialsWhoseLossRunsAwayAndIsOffByDefault() {
        SearchResult unlimited = search(new Misbehaving("loss", false), Strategy.grid(2)).run();
        assertTrue(unlimited.failures().isEmpty(), "by default only NaN or infinity fail a trial");
        SearchResult limited = search(new Misbehaving("loss", false), Strategy.grid(2)).divergenceLimit(10).run();
        assertEquals(2, limited.failures().size(), limited.leaderboardTable(6));
        assertTrue(limited.failures().get(0).failure().contains("diverged: training loss 332 in epoch 1 is above the limit 11 (10 x ln(3 classes)"),
            limited.failures().get(0).failure());
        assertThrows(IllegalArgumentException.class, () -> search(new MlpTrainable(), Strategy.grid(1)).divergenceLimit(0.5));
    }
}
