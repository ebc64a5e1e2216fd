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
        assertEquals(6, JvmFlags.required().size(), JvmFlags.required().toString());
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
    }

    /** Child JVM entry point: make an off-heap dataset. */
    public static final class MakeDataset {
        public static void main(String[] args) {
            try {
                org.cerebro.data.Datasets.fromArrays(new float[][] {{1f}}, new int[] {0}, 1).close();
                System.out.println("OK");
            } catch (IllegalStateException e) {
                System.out.println("ERROR " + e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void theDataLayerNamesTheFlagAgronaNeedsInsteadOfFailingInsideIt() throws Exception {
        ChildJvm.Result without = ChildJvm.run(MakeDataset.class, entry -> true, List.of(), Map.of());
        assertEquals(3, without.exitCode(), without.output());
        assertTrue(without.output().contains("off-heap data layer (Agrona)")
            && without.output().contains("missing=[--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED]"), without.output());
        ChildJvm.Result with = ChildJvm.run(MakeDataset.class, entry -> true,
            List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"), Map.of());
        assertEquals(0, with.exitCode(), with.output());
    }

    @Test
    void aJvmWithOneFlagMissingIsToldWhichOne() throws Exception {
        List<String> allButOne = JvmFlags.required().subList(1, JvmFlags.required().size());
        ChildJvm.Result result = ChildJvm.run(JvmFlags.class, entry -> true, allButOne, Map.of());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("missing=[" + JvmFlags.required().get(0) + "]"), result.output());
    }
}
