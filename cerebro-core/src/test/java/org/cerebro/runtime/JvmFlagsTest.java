package org.cerebro.runtime;

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

    @Test
    void aJvmWithOneFlagMissingIsToldWhichOne() throws Exception {
        List<String> allButOne = JvmFlags.required().subList(1, JvmFlags.required().size());
        ChildJvm.Result result = ChildJvm.run(JvmFlags.class, entry -> true, allButOne, Map.of());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("missing=[" + JvmFlags.required().get(0) + "]"), result.output());
    }
}
