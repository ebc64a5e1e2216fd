package org.cerebro.exec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The class path decision for Spark executors: they load classes parent-first, so the libraries
 * Spark ships (Guava 32, SLF4J, Gson, Jackson, ...) are Spark's versions there. Cerebro's code that
 * runs in an executor (the core, this module, the DJL trainable) therefore uses no Guava at all,
 * and nothing is shaded; DJL with Spark's Gson is exercised by {@link SparkMnistTest}. This test
 * fails when a Guava reference creeps into any of those modules.
 */
class ClassPathDecisionTest {
    @Test
    void cerebrosExecutorSideCodeReferencesNoGuava() throws IOException {
        List<String> scanned = new ArrayList<>();
        List<String> offenders = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            boolean cerebro = path.toString().contains("cerebro-core") || path.toString().contains("cerebro-djl")
                || path.toString().contains("cerebro-exec-spark");
            if (!cerebro || entry.contains("test-classes") || entry.endsWith("-tests.jar")) {
                continue;
            }
            scanned.add(entry);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                        if (referencesGuava(Files.readAllBytes(file))) {
                            offenders.add(file.toString());
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(path.toFile())) {
                    for (var e = jar.entries(); e.hasMoreElements(); ) {
                        var classFile = e.nextElement();
                        if (classFile.getName().endsWith(".class")
                            && referencesGuava(jar.getInputStream(classFile).readAllBytes())) {
                            offenders.add(entry + "!" + classFile.getName());
                        }
                    }
                }
            }
        }
        assertEquals(3, scanned.size(), "found the three modules on the class path: " + scanned);
        assertTrue(offenders.isEmpty(), "classes that use Guava, which is Spark's old version in executors: " + offenders);
    }

    private static boolean referencesGuava(byte[] classFile) {
        return new String(classFile, StandardCharsets.ISO_8859_1).contains("com/google/common/");
    }
}
