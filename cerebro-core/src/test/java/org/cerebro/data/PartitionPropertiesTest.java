package org.cerebro.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties of partitioning and of the off-heap round trip, over random tables. */
class PartitionPropertiesTest {

    /** A table of {@code n} records whose features encode their own row, so moves are traceable. */
    static Dataset table(int n, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] features = new float[n][width];
        int[] labels = new int[n];
        for (int r = 0; r < n; r++) {
            features[r][0] = r;
            for (int c = 1; c < width; c++) {
                features[r][c] = (float) random.nextGaussian();
            }
            labels[r] = random.nextInt(7);
        }
        return Datasets.fromArrays(features, labels, 7);
    }

    @Test
    void whatIsReadBackEqualsWhatWasLoaded() {
        qt().withExamples(60).forAll(integers().between(1, 300), integers().between(1, 40), longs().all())
            .checkAssert((n, width, seed) -> {
                SplittableRandom random = new SplittableRandom(seed);
                float[][] features = new float[n][width];
                int[] labels = new int[n];
                for (int r = 0; r < n; r++) {
                    for (int c = 0; c < width; c++) {
                        features[r][c] = (float) (random.nextDouble(-1e6, 1e6));
                    }
                    labels[r] = random.nextInt(3);
                }
                try (Dataset data = Datasets.fromArrays(features, labels, 3)) {
                    assertEquals(n, data.size());
                    float[] row = new float[width];
                    for (int r = 0; r < n; r++) {
                        assertEquals(labels[r], data.label(r));
                        data.copyFeatures(r, row);
                        for (int c = 0; c < width; c++) {
                            assertEquals(Float.floatToIntBits(features[r][c]), Float.floatToIntBits(row[c]),
                                "row=" + r + " column=" + c);
                        }
                    }
                }
            });
    }

    @Test
    void partitioningIsABalancedPermutation() {
        qt().withExamples(80).forAll(integers().between(1, 400), integers().between(1, 16), longs().all())
            .assuming((n, p, seed) -> p <= n)
            .checkAssert((n, p, seed) -> {
                try (Dataset data = table(n, 3, seed); Partitions parts = data.partition(p, seed)) {
                    boolean[] seen = new boolean[n];
                    int total = 0;
                    int min = Integer.MAX_VALUE;
                    int max = 0;
                    for (int i = 0; i < p; i++) {
                        Dataset part = parts.get(i);
                        min = Math.min(min, part.size());
                        max = Math.max(max, part.size());
                        for (int r = 0; r < part.size(); r++) {
                            int source = (int) part.feature(r, 0);
                            assertEquals(source, parts.sourceRow(i, r));
                            assertEquals(false, seen[source], "record " + source + " is in two partitions");
                            seen[source] = true;
                            assertEquals(data.label(source), part.label(r));
                            assertEquals(data.feature(source, 2), part.feature(r, 2));
                            total++;
                        }
                    }
                    assertEquals(n, total, "every record lands in exactly one partition");
                    assertEquals(true, max - min <= 1, "sizes differ by at most one: min=" + min + " max=" + max);
                }
            });
    }

    @Test
    void partitioningIsDeterministicForASeed() {
        qt().withExamples(40).forAll(integers().between(2, 300), integers().between(1, 8), longs().all())
            .assuming((n, p, seed) -> p <= n)
            .checkAssert((n, p, seed) -> {
                try (Dataset data = table(n, 2, 7);
                     Partitions a = data.partition(p, seed);
                     Partitions b = data.partition(p, seed)) {
                    for (int i = 0; i < p; i++) {
                        assertEquals(a.get(i).size(), b.get(i).size());
                        for (int r = 0; r < a.get(i).size(); r++) {
                            assertEquals(a.sourceRow(i, r), b.sourceRow(i, r));
                            assertEquals(a.get(i).feature(r, 1), b.get(i).feature(r, 1));
                        }
                    }
                }
            });
    }

    @Test
    void splitIsADisjointCoverDeterminedBySeed() {
        qt().withExamples(40).forAll(integers().between(2, 300), integers().between(1, 99), longs().all())
            .checkAssert((n, percent, seed) -> {
                try (Dataset data = table(n, 2, 3);
                     Split split = data.split(percent / 100.0, seed);
                     Split again = data.split(percent / 100.0, seed)) {
                    assertEquals(n, split.train().size() + split.validation().size());
                    boolean[] seen = new boolean[n];
                    for (Dataset side : new Dataset[] {split.train(), split.validation()}) {
                        for (int r = 0; r < side.size(); r++) {
                            int source = (int) side.feature(r, 0);
                            assertEquals(false, seen[source]);
                            seen[source] = true;
                        }
                    }
                    for (int r = 0; r < split.validation().size(); r++) {
                        assertEquals(split.validation().feature(r, 0), again.validation().feature(r, 0));
                    }
                }
            });
    }
}
