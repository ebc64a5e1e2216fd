package org.cerebro;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.cerebro.data.CsvSchema;
import org.cerebro.data.DataException;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random malformed files and random misuse of the builders: every outcome is a result or an
 * exception of the documented type ({@link DataException} for files, {@link IllegalArgumentException}
 * or {@link IllegalStateException} for the API) whose message names the file or the setting.
 * Anything else (a bare {@code NullPointerException}, an {@code ArithmeticException}, an
 * {@code OutOfMemoryError}, a hang) fails the property.
 */
class AdversarialPropertiesTest {
    /** The generators' seed: fixed, so that a run is repeatable; {@code -Dcerebro.qt.seed=N} explores others. */
    private static final long SEED = Long.getLong("cerebro.qt.seed", 17);

    @TempDir
    Path tmp;

    /** Outcomes seen, so that each property is shown to reach both of its outcomes. */
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();

    private void bothOutcomesSeen() {
        assertTrue(accepted.get() > 0 && refused.get() > 0, "accepted=" + accepted + " refused=" + refused);
    }

    // IDX: a valid pair of files, then (usually) damaged: magic numbers, dimensions from the edges of
    // int, lengths, gzip bytes

    private static final int[] DIMENSIONS = {-1, 0, 1, 2, 3, 28, 255, 65_536, 60_000, Integer.MAX_VALUE,
        Integer.MIN_VALUE, 1 << 20};

    private static byte[] idx(int[] dims, SplittableRandom random, int valueBound) {
        ByteBuffer file = ByteBuffer.allocate(4 + 4 * dims.length
            + Arrays.stream(dims).reduce(1, (a, b) -> a * b)).putInt(0x800 | dims.length);
        Arrays.stream(dims).forEach(file::putInt);
        while (file.hasRemaining()) {
            file.put((byte) random.nextInt(valueBound));
        }
        return file.array();
    }

    /** One random damage to {@code bytes}: a header field, the length, or (when gzipped) the compressed bytes. */
    private static byte[] damage(SplittableRandom random, byte[] bytes) {
        byte[] damaged = bytes.clone();
        switch (random.nextInt(5)) {
            case 0 -> ByteBuffer.wrap(damaged).putInt(0, random.nextBoolean() ? random.nextInt()
                : (random.nextInt(256) << 8) | random.nextInt(6));
            case 1 -> {
                int dims = Math.min(bytes[3] & 0xFF, (bytes.length - 4) / 4);
                if (dims > 0) {
                    ByteBuffer.wrap(damaged).putInt(4 + 4 * random.nextInt(dims), DIMENSIONS[random.nextInt(DIMENSIONS.length)]);
                }
            }
            case 2 -> damaged = Arrays.copyOf(damaged, random.nextInt(damaged.length + 1));
            case 3 -> damaged = Arrays.copyOf(damaged, damaged.length + 1 + random.nextInt(40));
            default -> damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
        }
        return damaged;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    /** A file's bytes, damaged one time in three, then gzipped when {@code zip} (and the gzip damaged one time in four). */
    private static byte[] maybeDamaged(SplittableRandom random, byte[] plain, boolean zip) throws IOException {
        byte[] bytes = plain;
        if (random.nextInt(3) == 0) {
            bytes = damage(random, bytes);
        }
        if (zip) {
            bytes = gzip(bytes);
            if (random.nextInt(4) == 0) {
                bytes = damage(random, bytes);
            }
        }
        return bytes;
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void malformedIdxFilesAreReadOrRefusedNamingTheFile() {
        qt().withFixedSeed(SEED).withExamples(400).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            int count = 1 + random.nextInt(6);
            int[] imageDims = random.nextInt(4) == 0 ? new int[] {count, 1 + random.nextInt(30)}
                : new int[] {count, 1 + random.nextInt(6), 1 + random.nextInt(6)};
            boolean zipImages = random.nextBoolean();
            boolean zipLabels = random.nextBoolean();
            try {
                Path images = Files.write(tmp.resolve("images-" + seed + (zipImages ? ".idx.gz" : ".idx")),
                    maybeDamaged(random, idx(imageDims, random, 256), zipImages));
                Path labels = Files.write(tmp.resolve("labels-" + seed + (zipLabels ? ".idx.gz" : ".idx")),
                    maybeDamaged(random, idx(new int[] {count}, random, 10), zipLabels));
                try (Dataset read = Datasets.idx(images, labels)) {
                    assertTrue(read.size() > 0 && read.featureWidth() > 0, "a dataset that was read holds records");
                    accepted.incrementAndGet();
                } catch (DataException e) {
                    refused.incrementAndGet();
                    String message = e.getMessage();
                    assertTrue(message.contains("file=" + images.getFileName()) || message.contains("file="
                        + labels.getFileName()), "names the file: " + message);
                } finally {
                    Files.delete(images);
                    Files.delete(labels);
                }
            } catch (IOException e) {
                fail(e);
            }
        });
        bothOutcomesSeen();
    }

    // CSV: random tokens (numbers Java accepts and CSV does not, missing values, quotes, BOMs, extra fields)

    private static final String[] TOKENS = {"1", "-2.5", "3e4", "1f", "2d", "0x1p3", "NaN", "Infinity", "", "?", "a",
        "b", "c", "\"a\"", "\"a,b\"", "\"unterminated", "\uFEFF1", " 7 ", "1,2", "é", "\u0000", "1.0.0", "--1", ".5", "5."};

    private static String csvLine(SplittableRandom random, int fields) {
        int n = random.nextInt(6) == 0 ? random.nextInt(fields + 2) : fields;
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < n; i++) {
            line.append(i == 0 ? "" : ",").append(TOKENS[random.nextInt(TOKENS.length)]);
        }
        return line.toString();
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void malformedCsvFilesAreReadOrRefusedNamingTheFile() {
        CsvSchema[] schemas = {
            CsvSchema.builder().header(true).numeric("x").categorical("color").label("y").missingToken("?").build(),
            CsvSchema.builder().numeric("x", "z").label("y", List.of("a", "b", "c")).build(),
            CsvSchema.builder().categorical("color").label("y").build(),
        };
        qt().withFixedSeed(SEED + 2).withExamples(400).forAll(longs().all(), integers().between(0, schemas.length - 1))
            .checkAssert((seed, which) -> {
                SplittableRandom random = new SplittableRandom(seed);
                CsvSchema schema = schemas[which];
                StringBuilder text = new StringBuilder(random.nextInt(5) == 0 ? "\uFEFF" : "");
                if (schema.header()) {
                    text.append(random.nextInt(4) == 0 ? csvLine(random, 3) : "x,color,y").append('\n');
                }
                int rows = random.nextInt(12);
                for (int r = 0; r < rows; r++) {
                    text.append(csvLine(random, schema.columns().size())).append(random.nextInt(5) == 0 ? "\r\n" : "\n");
                }
                try {
                    Path file = Files.write(tmp.resolve("random-" + seed + ".csv"),
                        text.toString().getBytes(StandardCharsets.UTF_8));
                    try (Dataset read = Datasets.csv(schema, file)) {
                        assertTrue(read.size() > 0, "a dataset that was read holds records");
                        accepted.incrementAndGet();
                    } catch (DataException e) {
                        refused.incrementAndGet();
                        assertTrue(e.getMessage().contains("file=" + file.getFileName()), "names the file: " + e.getMessage());
                    } finally {
                        Files.delete(file);
                    }
                } catch (IOException e) {
                    fail(e);
                }
            });
        bothOutcomesSeen();
    }

    // Builders: random sequences of calls with random (often impossible) arguments

    private static final double[] EDGES = {Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -1, 0,
        1e-300, 0.5, 1, 2, 10, Double.MAX_VALUE};
    private static final int[] INTS = {Integer.MIN_VALUE, -1, 0, 1, 2, 3, 4, 7, 1000, Integer.MAX_VALUE};

    private static double edge(SplittableRandom random) {
        return EDGES[random.nextInt(EDGES.length)];
    }

    private static int anInt(SplittableRandom random) {
        return random.nextInt(3) == 0 ? INTS[random.nextInt(INTS.length)] : random.nextInt(-1, 6);
    }

    /** Calls {@code call}; an exception must be of a documented type and its message must name one of {@code names}. */
    private static <T> T attempt(Supplier<T> call, String... names) {
        try {
            return call.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            String message = String.valueOf(e.getMessage());
            assertTrue(Arrays.stream(names).anyMatch(message::contains),
                e.getClass().getSimpleName() + " names none of " + Arrays.toString(names) + ": " + message);
            return null;
        }
    }

    private static HParam<?> randomParam(SplittableRandom random, String name) {
        if (random.nextBoolean()) {
            return random.nextBoolean() ? HParam.logUniform(name, 0.001, 0.3) : HParam.choice(name, 0, 4);
        }
        return switch (random.nextInt(7)) {
            case 0 -> HParam.uniform(name, edge(random), edge(random));
            case 1 -> HParam.logUniform(name, edge(random), edge(random));
            case 2 -> HParam.quantizedUniform(name, edge(random), edge(random), edge(random));
            case 3 -> HParam.intRange(name, anInt(random), anInt(random));
            case 4 -> HParam.intLogRange(name, anInt(random), anInt(random));
            case 5 -> random.nextBoolean() ? HParam.choice(name, 0.01, 0.1) : HParam.choice(name, "relu", null);
            default -> HParam.intRange(name, 1, 4).gridPoints(anInt(random));
        };
    }

    private static Strategy randomStrategy(SplittableRandom random) {
        return switch (random.nextInt(5)) {
            case 0 -> Strategy.grid(anInt(random));
            case 1 -> Strategy.random(anInt(random), anInt(random));
            case 2 -> Strategy.hyperband(anInt(random), anInt(random));
            case 3 -> Strategy.asha(anInt(random), anInt(random), anInt(random)).maxTrials(anInt(random));
            default -> Strategy.asha(1, 2, 2).timeBudget(random.nextBoolean() ? Duration.ofDays(365_000)
                : Duration.ofSeconds(anInt(random)));
        };
    }

    /** A strategy that trains at most 60 epochs in all (one with only a time budget runs until it ends). */
    private static boolean bounded(Strategy strategy, SearchSpace space) {
        boolean timeOnly = strategy instanceof org.cerebro.strategy.Asha asha && asha.maxTrials() == 0;
        return !timeOnly && strategy.plannedEpochs(space, 1, 1000).stream().mapToInt(Integer::intValue).sum() <= 60;
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void randomBuilderMisuseFailsNamingTheSettingOrBuildsASearch() {
        String[] anySetting = {"trainable", "data", "train", "validation", "test", "strategy", "objective", "partitions",
            "keepModels", "divergenceLimit", "topK", "eta", "epochs", "Epochs", "trials", "Trials", "timeBudget",
            "metric", "hyperparameter", "dataset=", "space", "grid", "operator"};
        qt().withFixedSeed(SEED + 6).withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            List<HParam<?>> params = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(3); i++) {
                String name = random.nextInt(8) == 0 ? "p0" : "p" + i;
                HParam<?> param = attempt(() -> randomParam(random, name), "hyperparameter " + name);
                if (param != null) {
                    params.add(param);
                }
            }
            SearchSpace space = attempt(() -> SearchSpace.of(params.toArray(HParam[]::new)), "hyperparameter",
                "space", "p0");
            if (space == null) {
                return;
            }
            Dataset train = MlpTrainableTest.blobs(40, seed);
            Dataset validation = MlpTrainableTest.blobs(10, seed + 1);
            Dataset narrow = Datasets.fromArrays(new float[][] {{1}, {2}}, new int[] {0, 1}, 2);
            try {
                if (random.nextInt(12) == 0) {
                    validation.close();
                }
                SearchBuilder builder = Cerebro.search(space).progress(false);
                List<Integer> calls = new ArrayList<>(List.of(0, 1, 2, 3)); // the required settings, usually
                calls.removeIf(call -> random.nextInt(10) == 0);
                for (int extra = random.nextInt(6); extra > 0; extra--) {
                    calls.add(random.nextInt(11));
                }
                java.util.Collections.shuffle(calls, new java.util.Random(seed));
                for (int call : calls) {
                    boolean bad = random.nextInt(5) == 0;
                    switch (call) {
                        case 0 -> attempt(() -> builder.trainable(bad ? null : new MlpTrainable()), "trainable");
                        case 1 -> attempt(() -> builder.data(bad && random.nextBoolean() ? null : train,
                            bad ? narrow : validation), "data", "train", "validation");
                        case 2 -> attempt(() -> builder.strategy(bad && random.nextBoolean() ? null
                            : bad ? randomStrategy(random) : Strategy.random(1 + random.nextInt(3), 1 + random.nextInt(2))),
                            "strategy", "eta", "epochs", "Epochs", "trials", "Trials", "timeBudget");
                        case 3 -> attempt(() -> builder.objective(bad ? Objective.maximize(random.nextBoolean() ? "f1" : null)
                            : random.nextBoolean() ? Objective.maximize("accuracy") : Objective.minimize("loss")),
                            "objective", "metric");
                        case 4 -> attempt(() -> builder.partitions(bad ? anInt(random) : 1 + random.nextInt(4)), "partitions");
                        case 5 -> attempt(() -> builder.keepModels(bad ? anInt(random) : random.nextInt(3)), "keepModels");
                        case 6 -> attempt(() -> builder.test(bad ? narrow : validation, bad ? anInt(random) : 1), "test",
                            "topK");
                        case 7 -> attempt(() -> builder.divergenceLimit(bad ? edge(random) : 10), "divergenceLimit");
                        case 8 -> attempt(() -> builder.seed(random.nextLong()), "seed");
                        case 9 -> attempt(() -> builder.listener(bad ? null : new SearchListener() {
                        }), "listener");
                        default -> attempt(() -> builder.report(bad ? null : tmp.resolve("r.html")), "report");
                    }
                }
                Search search = attempt(builder::build, anySetting);
                (search == null ? refused : accepted).incrementAndGet();
                if (search != null && random.nextInt(4) == 0 && bounded(search.logical().strategy(), space)) {
                    SearchResult result = search.run(); // a search that builds runs to a result
                    assertTrue(result.trials().size() > 0);
                }
            } finally {
                train.close();
                validation.close();
                narrow.close();
            }
        });
        bothOutcomesSeen();
    }
}
