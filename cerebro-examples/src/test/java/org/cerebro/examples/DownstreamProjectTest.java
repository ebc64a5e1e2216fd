package org.cerebro.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cerebro.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * A downstream Maven project (src/test/resources/downstream, the one the README shows) built and
 * tested by a real {@code mvn} against the artifacts this build just made, staged in a local
 * repository of their own (third-party artifacts are linked from this build's local repository,
 * so the nested build runs offline). Its tests run a pure-Java search in a JVM with no flags, a
 * DJL search on MNIST, export the best model and run it with plain DJL in a JVM without Cerebro,
 * at exactly the accuracy the search reported.
 */
class DownstreamProjectTest {
    private static final List<String> MODULES = List.of("cerebro-core", "cerebro-djl", "cerebro-exec-local",
        "cerebro-optimizer");

    @Test
    void aDownstreamProjectBuildsAndRunsItsSearchesWithNoJvmFlags() throws Exception {
        Path data = TestData.dir(); // MNIST for its DJL test: skipped off CI without it, a failure on CI
        String version = System.getProperty("cerebro.version");
        Path projectRoot = Path.of("..").toAbsolutePath().normalize();
        Path work = Path.of("target", "downstream").toAbsolutePath();
        deleteTree(work);
        Path project = work.resolve("project");
        copyTree(Path.of("src", "test", "resources", "downstream"), project);
        Path repository = stageRepository(work.resolve("repository"), projectRoot, version);
        Path log = work.resolve("mvn.log");
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(), "-B", "-o", "test",
            "-Dmaven.repo.local=" + repository, "-Dcerebro.version=" + version, "-Dcerebro.data=" + data,
            "-f", project.resolve("pom.xml").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MAVEN_OPTS");
        Process mvn = builder.start();
        if (!mvn.waitFor(10, TimeUnit.MINUTES)) {
            mvn.destroyForcibly();
            throw new AssertionError("the downstream build did not finish in 10 minutes: " + Files.readString(log));
        }
        String output = Files.readString(log);
        assertEquals(0, mvn.exitValue(), output);
        assertTrue(output.contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0"), output);
    }

    /**
     * A local repository holding this build's artifacts (parent pom, module jars and poms) and
     * links to every other artifact of the running build's local repository.
     */
    private static Path stageRepository(Path repository, Path projectRoot, String version) throws IOException {
        Path local = Path.of(System.getProperty("cerebro.localRepository"));
        Files.createDirectories(repository.resolve("org"));
        try (Stream<Path> top = Files.list(local)) {
            for (Path entry : top.toList()) {
                if (!entry.getFileName().toString().equals("org")) {
                    Files.createSymbolicLink(repository.resolve(entry.getFileName().toString()), entry);
                }
            }
        }
        try (Stream<Path> orgs = Files.list(local.resolve("org"))) {
            for (Path entry : orgs.toList()) {
                if (!entry.getFileName().toString().equals("cerebro")) {
                    Files.createSymbolicLink(repository.resolve("org").resolve(entry.getFileName().toString()), entry);
                }
            }
        }
        Path cerebro = repository.resolve("org").resolve("cerebro");
        install(cerebro, "cerebro-parent", version, projectRoot.resolve("pom.xml"), null);
        for (String module : MODULES) {
            Path jar = projectRoot.resolve(module).resolve("target").resolve(module + "-" + version + ".jar");
            assertTrue(Files.exists(jar), "the build packaged " + jar);
            install(cerebro, module, version, projectRoot.resolve(module).resolve("pom.xml"), jar);
        }
        return repository;
    }

    private static void install(Path group, String artifact, String version, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(group.resolve(artifact).resolve(version));
        Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"));
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifact + "-" + version + ".jar"));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) { // symbolic links are deleted, never followed
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
