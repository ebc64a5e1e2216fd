package org.cerebro.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cerebro.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's JShell script with the real {@code jshell}, on cerebro-core's class path
 * alone, and checks that both searches print a leaderboard with a trained model on top.
 */
class JShellScriptTest {

    @Test
    void theReadmeSearchScriptRunsInJShellAndPrintsTwoLeaderboards() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        String classPath = String.join(File.pathSeparator, List.of(System.getProperty("java.class.path")
            .split(File.pathSeparator)).stream().filter(JShellScriptTest::coreOrItsDependencies).toList());
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        ProcessBuilder builder = new ProcessBuilder(jshell.toString(), // no JVM flags: the README's command has none
            "--class-path", classPath, root.resolve("cerebro-examples/jshell/quickstart.jsh").toString())
            .redirectErrorStream(true);
        builder.environment().put("CEREBRO_DATA", TestData.dir().toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(!output.contains("Exception") && !output.contains("Error"), output);
        Matcher top = Pattern.compile("(?m)^1\\s+\\d+\\s+COMPLETED\\s+(\\d+)\\s+(0\\.\\d+)").matcher(output);
        int boards = 0;
        while (top.find()) {
            boards++;
            assertTrue(Double.parseDouble(top.group(2)) > 0.8, "the best model learned MNIST: " + output);
        }
        assertEquals(2, boards, "a random search and an ASHA search each print a leaderboard: " + output);
    }

    /** Not another Cerebro module, not DJL or PyTorch, not the test libraries: what cerebro-core's users have. */
    private static boolean coreOrItsDependencies(String entry) {
        String path = entry.replace(File.separatorChar, '/');
        boolean otherModule = path.contains("/cerebro-") && !path.contains("/cerebro-core/")
            && !path.matches(".*/cerebro-core-[^/]*\\.jar");
        return !otherModule && !path.contains("/ai/djl/") && !path.contains("/org/junit/") && !path.contains("/jmh/");
    }
}
