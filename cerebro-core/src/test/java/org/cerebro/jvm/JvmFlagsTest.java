package org.cerebro.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.cerebro.testing.ChildJvm;
import org.junit.jupiter.api.Test;

/** The flag check: silent with jvm.options, precise without. */
class JvmFlagsTest {

    @Test
    void theBuildStartsTestJvmsWithEveryRequiredFlag() {
        assertEquals(5, JvmFlags.required().size(), JvmFlags.required().toString());
        assertEquals(List.of(), JvmFlags.missing());
        JvmFlags.require("test");
    }

    @Test
    void aJvmWithoutTheFlagsIsToldEveryFlagToAdd() throws Exception {
        ChildJvm.Result result = ChildJvm.run(JvmFlags.class, entry -> true, List.of(), Map.of());
        assertEquals(1, result.exitCode(), result.output());
        for (String flag : JvmFlags.required()) {
            assertTrue(result.output().contains(flag), "lacks " + flag + ": " + result.output());
        }
        assertTrue(result.output().contains("java @jvm.options"), result.output());
        assertTrue(result.output().contains("<argLine>" + String.join(" ", JvmFlags.required()) + "</argLine>"),
            "the Surefire form to paste: " + result.output());
        assertTrue(result.output().contains("jvmArgs '" + JvmFlags.required().get(0) + "'"), result.output());
    }

    /** Child JVM entry point: a whole search on the pure-Java trainable, off-heap data included. */
    public static final class PureJavaSearch {
        public static void main(String[] args) {
            try (org.cerebro.data.Dataset train = org.cerebro.train.MlpTrainableTest.blobs(200, 1);
                 org.cerebro.data.Dataset validation = org.cerebro.train.MlpTrainableTest.blobs(100, 2)) {
                org.cerebro.SearchBuilder builder = org.cerebro.Cerebro.search(org.cerebro.space.SearchSpace.of(
                        org.cerebro.space.HParam.choice("lr", 0.05, 0.1)))
                    .trainable(new org.cerebro.train.MlpTrainable()).data(train, validation)
                    .strategy(org.cerebro.strategy.Strategy.grid(2)).objective(org.cerebro.Objective.maximize("accuracy"));
                if (args.length > 0) {
                    try {
                        builder.experimentDir(java.nio.file.Path.of(args[0])).build();
                        System.out.println("BUILT");
                    } catch (IllegalStateException e) {
                        System.out.println("REFUSED " + e.getMessage());
                        System.out.println("DIRECTORY " + java.nio.file.Files.exists(java.nio.file.Path.of(args[0])));
                        System.exit(3);
                    }
                    return;
                }
                System.out.println("BEST " + builder.run().best().orElseThrow().lastEpoch().metrics().accuracy());
            }
        }
    }

    @Test
    void aPureJavaSearchRunsInAJvmStartedWithNoFlagsAtAll() throws Exception {
        ChildJvm.Result result = ChildJvm.run(PureJavaSearch.class, entry -> true, List.of(), Map.of());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("BEST 0.9"), result.output());
    }

    @Test
    void anExperimentDirectoryWithoutTheFlagsIsRefusedAtBuildNamingThem(@org.junit.jupiter.api.io.TempDir
                                                                          java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path dir = tmp.resolve("experiment");
        ChildJvm.Result result = ChildJvm.run(PureJavaSearch.class, entry -> true, List.of(), Map.of(), dir.toString());
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("REFUSED experimentDir (its catalog is a Chronicle Map) needs JVM flags"),
            result.output());
        assertTrue(result.output().contains("<argLine>"), result.output());
        assertTrue(result.output().contains("DIRECTORY false"), "refused before any work: " + result.output());
    }

    @Test
    void aJvmWithOneFlagMissingIsToldWhichOne() throws Exception {
        List<String> allButOne = JvmFlags.required().subList(1, JvmFlags.required().size());
        ChildJvm.Result result = ChildJvm.run(JvmFlags.class, entry -> true, allButOne, Map.of());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("missing=[" + JvmFlags.required().get(0) + "]"), result.output());
    }
}
