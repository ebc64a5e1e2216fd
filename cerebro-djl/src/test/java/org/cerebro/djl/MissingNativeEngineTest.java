package org.cerebro.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cerebro.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without the libtorch jar on the class path (and nothing cached), starting the engine names the
 * artifact to add instead of trying to download it.
 */
class MissingNativeEngineTest {

    /** Child JVM entry point: start the engine, print the outcome. */
    public static final class StartEngine {
        public static void main(String[] args) {
            try {
                PyTorchEngine.get();
                System.out.println("STARTED");
            } catch (IllegalStateException e) {
                System.out.println("ERROR " + e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void missingNativeJarNamesTheArtifactToAdd(@TempDir Path emptyCache) throws Exception {
        ChildJvm.Result result = ChildJvm.run(StartEngine.class,
            entry -> !entry.contains("pytorch-native-cpu"),
            List.of("-DDJL_CACHE_DIR=" + emptyCache, "-Dai.djl.offline=true"),
            Map.of("DJL_CACHE_DIR", emptyCache.toString()));
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("ERROR the PyTorch engine could not start offline"), result.output());
        assertTrue(result.output().contains(PyTorchEngine.nativeArtifact()), result.output());
        assertTrue(result.output().contains("ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64")
            || !PyTorchEngine.classifier().equals("linux-x86_64"), result.output());
    }
}
