package org.cerebro.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Typed hyperparameters, sampling, grids, configs and their ids. */
class SearchSpaceTest {
    private static final HParam<Double> LR = HParam.logUniform("lr", 1e-4, 1e-1);
    private static final HParam<Integer> LAYERS = HParam.intRange("layers", 1, 4);
    private static final HParam<String> OPT = HParam.choice("optimizer", "adam", "sgd");

    private static void assertMessage(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks [" + part + "]: " + e.getMessage());
        }
    }

    @Test
    void invalidSpacesFailWhenBuiltNamingParameterAndValue() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> HParam.choice("act", List.of())),
            "act", "choice is empty");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> HParam.uniform("dropout", 0.5, 0.5)),
            "dropout", "min=0.5", "max=0.5", "min < max");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> HParam.intRange("layers", 5, 2)),
            "layers", "min=5.0", "max=2.0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> HParam.logUniform("lr", 0, 1)),
            "lr", "min=0.0", "> 0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> HParam.logUniform("wd", -1, 1)),
            "wd", "min=-1.0");
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> SearchSpace.of(HParam.uniform("x", 0, 1), HParam.choice("x", 1, 2))), "duplicate", "name=x");
        SearchSpace continuous = SearchSpace.of(HParam.uniform("dropout", 0, 0.5), LAYERS);
        assertMessage(assertThrows(IllegalArgumentException.class, continuous::gridSize),
            "dropout", "continuous", "gridPoints");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> HParam.uniform("d", 0, 1).gridPoints(1)),
            "d", "gridPoints=1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> HParam.choice("c", 1, 1)), "duplicate");
    }

    @Test
    void sameSeedSameConfigsAndConfigsReadWithoutCasts() {
        SearchSpace space = SearchSpace.of(LR, LAYERS, OPT);
        for (int i = 0; i < 20; i++) {
            Config a = space.sample(7, i);
            Config b = space.sample(7, i);
            assertEquals(a, b);
            assertEquals(a.id(), b.id());
            double lr = a.get(LR);
            int layers = a.get(LAYERS);
            String opt = a.get(OPT);
            assertTrue(lr >= 1e-4 && lr <= 1e-1);
            assertTrue(layers >= 1 && layers <= 4);
            assertTrue(opt.equals("adam") || opt.equals("sgd"));
        }
        assertNotEquals(space.sample(7, 0), space.sample(8, 0));
    }

    @Test
    void twoParametersWithTheSameRangeGetDifferentDraws() {
        SearchSpace space = SearchSpace.of(HParam.uniform("a", 0, 1), HParam.uniform("b", 0, 1));
        int equal = 0;
        for (int i = 0; i < 100; i++) {
            Config c = space.sample(1, i);
            equal += c.values().get("a").equals(c.values().get("b")) ? 1 : 0;
        }
        assertEquals(0, equal);
    }

    @Test
    void logUniformIsUniformInLog10Space() {
        SplittableRandom random = new SplittableRandom(3);
        int below = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double v = LR.sample(random);
            below += v < 1e-3 ? 1 : 0; // log10 in [-4,-1): a third of the mass lies below 1e-3
        }
        assertEquals(1 / 3.0, below / (double) n, 0.02);
    }

    @Test
    void integerRangesAreInclusiveAndQuantizedValuesAreMultiples() {
        SplittableRandom random = new SplittableRandom(5);
        Set<Integer> seen = new HashSet<>();
        HParam<Integer> batch = HParam.quantizedIntRange("batch", 16, 256, 16);
        HParam<Double> q = HParam.quantizedUniform("q", 0.1, 0.9, 0.25);
        HParam<Integer> width = HParam.intLogRange("width", 16, 1024);
        for (int i = 0; i < 2_000; i++) {
            seen.add(LAYERS.sample(random));
            assertEquals(0, batch.sample(random) % 16);
            double v = q.sample(random);
            assertTrue(v == 0.25 || v == 0.5 || v == 0.75, "q=" + v);
            int w = width.sample(random);
            assertTrue(w >= 16 && w <= 1024, "width=" + w);
        }
        assertEquals(Set.of(1, 2, 3, 4), seen);
        assertEquals(16, batch.gridSize());
        assertEquals(256, batch.gridValue(15));
        assertEquals("c", HParam.constant("k", "c").sample(random));
    }

    @Test
    void aGridOfABillionPointsIsLazyAndKnowsItsSize() {
        HParam<Integer> digits = HParam.intRange("d", 0, 999);
        SearchSpace space = SearchSpace.of(digits, HParam.intRange("e", 0, 999), HParam.intRange("f", 0, 999));
        assertEquals(1_000_000_000L, space.gridSize());
        Config last = space.gridPoint(999_999_999L);
        assertEquals(Map.of("d", 999, "e", 999, "f", 999), last.values());
        Config some = space.gridPoint(123_456_789L);
        assertEquals(Map.of("d", 123, "e", 456, "f", 789), some.values());
        SearchSpace mixed = SearchSpace.of(HParam.logUniform("lr", 1e-3, 1e-1).gridPoints(3), OPT);
        assertEquals(6, mixed.gridSize());
        assertEquals(0.01, mixed.gridPoint(2).get(HParam.logUniform("lr", 1e-3, 1e-1)), 1e-12);
    }

    @Test
    void configIdsAreStableAcrossRunsAndCanonicalFormsAreSorted() {
        Config config = Config.of(Map.of("optimizer", "adam", "lr", 0.01, "layers", 2));
        assertEquals("layers=2, lr=0.01, optimizer=\"adam\"", config.canonical());
        // the id is the first 16 hex digits of SHA-256 over the canonical form (checked with sha256sum):
        // it must never change between runs or versions
        assertEquals("d97870286afb3e65", config.id());
        assertEquals(config.id(), Config.of(Map.of("lr", 0.01, "layers", 2, "optimizer", "adam")).id());
        assertNotEquals(config.id(), Config.of(Map.of("optimizer", "adam", "lr", 0.02, "layers", 2)).id());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> config.get(HParam.uniform("layers", 0, 9))),
            "layers=2", "Integer", "Double");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> config.get(HParam.uniform("missing", 0, 1))),
            "no hyperparameter missing");
        assertEquals(0.5, config.getOrDefault(HParam.uniform("missing", 0, 1), 0.5));
    }
}
