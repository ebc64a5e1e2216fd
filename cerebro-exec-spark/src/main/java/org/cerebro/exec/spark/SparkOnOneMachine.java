package org.cerebro.exec.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;

/**
 * A real Spark cluster on this machine, from Maven jars alone (no Spark distribution):
 * {@code local-cluster[n,1,1024]} starts a Master and {@code n} Workers inside this JVM, and the
 * Workers launch {@code n} executor JVMs with the jars of {@code $SPARK_HOME/jars} on their class
 * path (a folder holding Spark's jars, e.g. {@code mvn dependency:copy-dependencies} of
 * {@code spark-core}). This JVM's class path travels to the executors as
 * {@code spark.executor.extraClassPath}, less the jars Spark has itself, so executors run Spark's
 * versions of shared libraries as under {@code spark-submit}. For tests, examples and trying
 * Cerebro on Spark; a real cluster takes the application's jars through {@code spark-submit --jars}.
 */
public final class SparkOnOneMachine {
    private static final Pattern VERSION = Pattern.compile("-\\d");

    private SparkOnOneMachine() {
    }

    /**
     * The configuration of a {@code local-cluster} of {@code executors} executors of one core and
     * 768 MB of heap each, bound to 127.0.0.1, no UI.
     *
     * @throws IllegalStateException when {@code SPARK_HOME} is not set or has no {@code jars/}
     */
    public static SparkConf localCluster(String appName, int executors) {
        if (executors < 1) {
            throw new IllegalArgumentException("executors=" + executors + " expected >= 1");
        }
        return new SparkConf().setMaster("local-cluster[" + executors + ",1,1024]").setAppName(appName)
            .set("spark.executor.memory", "768m")
            .set("spark.executor.extraClassPath", applicationClassPath(sparkJars()))
            .set("spark.executor.extraJavaOptions", SparkExecutor.executorJavaOptions())
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.ui.enabled", "false");
    }

    /** {@code $SPARK_HOME/jars}, checked. */
    static Path sparkJars() {
        String home = System.getenv("SPARK_HOME");
        if (home == null || !Files.isDirectory(Path.of(home, "jars"))) {
            throw new IllegalStateException("SPARK_HOME=" + home + " has no jars/ folder: a local cluster's executors"
                + " start from $SPARK_HOME/jars. Point SPARK_HOME at a Spark distribution, or at a folder whose jars/"
                + " holds spark-core_2.13 and its dependencies (mvn dependency:copy-dependencies); also set"
                + " SPARK_SCALA_VERSION=2.13 and SPARK_LOCAL_IP=127.0.0.1");
        }
        return Path.of(home, "jars");
    }

    /**
     * This JVM's class path less the jars {@code sparkJars} holds (by artifact name, any version),
     * as absolute paths.
     */
    public static String applicationClassPath(Path sparkJars) {
        Set<String> spark;
        try (Stream<Path> files = Files.list(sparkJars)) {
            spark = files.map(f -> artifact(f.getFileName().toString())).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + sparkJars, e);
        }
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path name = Path.of(entry).getFileName();
            if (!entry.endsWith(".jar") || name == null || !spark.contains(artifact(name.toString()))) {
                kept.add(Path.of(entry).toAbsolutePath().toString()); // executors run in their own work directories
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    /** "guava-33.8.0-jre.jar" to "guava": the name up to its first "-digit". */
    static String artifact(String jar) {
        Matcher version = VERSION.matcher(jar);
        return version.find() ? jar.substring(0, version.start()) : jar;
    }
}
