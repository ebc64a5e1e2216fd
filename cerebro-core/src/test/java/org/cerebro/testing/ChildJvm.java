package org.cerebro.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs a main class in a fresh JVM, for what one JVM cannot test about itself: missing flags,
 * missing artifacts. The child gets this JVM's class path (optionally filtered) and no flags
 * unless given.
 */
public final class ChildJvm {
    /** The child's exit code and its merged stdout and stderr. */
    public record Result(int exitCode, String output) {
    }

    private ChildJvm() {
    }

    /** This JVM's class path entries. */
    public static List<String> classPath() {
        return Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    }

    /**
     * Runs {@code mainClass} with the class path entries {@code keep} accepts.
     *
     * @param jvmArgs extra JVM arguments (flags, -D properties)
     * @param env     extra environment variables
     */
    public static Result run(Class<?> mainClass, Predicate<String> keep, List<String> jvmArgs,
                             Map<String, String> env, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath().stream().filter(keep).collect(Collectors.joining(File.pathSeparator)));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        // output goes to a file, so that a child that hangs is stopped by the timeout instead of
        // blocking a read that waits for its end
        Path log = Files.createTempFile("child-jvm", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("child JVM " + mainClass.getName() + " did not finish in 120 s: "
                    + Files.readString(log));
            }
            byte[] out = Files.readAllBytes(log);
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
