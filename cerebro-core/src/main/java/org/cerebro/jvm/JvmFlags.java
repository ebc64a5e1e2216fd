package org.cerebro.jvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks that the running JVM was started with the flags in {@code jvm.options} (the file at the
 * root of the project, shipped inside this jar) that Chronicle Map needs, and turns a missing one
 * into an error that lists every flag to add and how.
 *
 * <p>Run it as a program to diagnose a JVM: {@code java -cp cerebro-core.jar
 * org.cerebro.jvm.JvmFlags} prints the missing flags and exits 1, or prints "ok".
 *
 * <p>Thread-safe: stateless.
 */
public final class JvmFlags {
    /** Classpath location of the shipped copy of {@code jvm.options}. */
    static final String RESOURCE = "jvm.options";

    private JvmFlags() {
    }

    /**
     * The required flags, in the order of {@code jvm.options}, comments and system properties
     * left out.
     */
    public static List<String> required() {
        List<String> flags = new ArrayList<>();
        for (String line : optionLines()) {
            if (line.startsWith("--add-opens=") || line.startsWith("--add-exports=")) {
                flags.add(line);
            }
        }
        return flags;
    }

    /**
     * Every option of {@code jvm.options}: the required flags and the system properties (no
     * analytics from Chronicle, DJL offline), comments left out; e.g. for the JVMs of Spark
     * executors ({@code spark.executor.extraJavaOptions}).
     */
    public static List<String> all() {
        return List.copyOf(optionLines());
    }

    /** The flags from {@link #required()} that the running JVM lacks; empty when all are there. */
    public static List<String> missing() {
        List<String> missing = new ArrayList<>();
        Module unnamed = JvmFlags.class.getClassLoader().getUnnamedModule();
        for (String flag : required()) {
            if (!granted(flag, unnamed)) {
                missing.add(flag);
            }
        }
        return missing;
    }

    /**
     * Fails with an {@link IllegalStateException} naming {@code component} and listing every
     * required flag when any is missing.
     *
     * @param component what needs the flags, e.g. "Chronicle Map", for the message
     */
    public static void require(String component) {
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(missingMessage(component, missing));
        }
    }

    /**
     * The message {@link #require(String)} throws: what needs the flags, which are missing, and
     * the forms to paste: the {@code java} command line, an argument file, Maven Surefire's
     * {@code argLine} and Gradle's {@code jvmArgs}.
     */
    public static String missingMessage(String component, List<String> missing) {
        List<String> all = required();
        String quoted = "'" + String.join("', '", all) + "'";
        return component + " needs JVM flags this JVM was not started with: missing=" + missing + ". Add all of"
            + " them to the JVM that runs the search (searches without an experiment directory or profile cache need"
            + " none):\n"
            + "  java:    java " + String.join(" ", all) + " -cp ... YourMain\n"
            + "           (or one per line in a file, e.g. jvm.options, and java @jvm.options -cp ... YourMain)\n"
            + "  Maven:   <plugin><artifactId>maven-surefire-plugin</artifactId><configuration><argLine>"
            + String.join(" ", all) + "</argLine></configuration></plugin>\n"
            + "  Gradle:  tasks.withType(Test) { jvmArgs " + quoted + " }\n"
            + "  Check a JVM with: java -cp cerebro-core.jar org.cerebro.jvm.JvmFlags";
    }

    private static boolean granted(String flag, Module to) {
        // --add-opens=java.base/java.lang=ALL-UNNAMED  ->  module java.base, package java.lang
        boolean open = flag.startsWith("--add-opens=");
        String spec = flag.substring(flag.indexOf('=') + 1);
        int slash = spec.indexOf('/');
        int eq = spec.indexOf('=');
        String moduleName = spec.substring(0, slash);
        String packageName = spec.substring(slash + 1, eq);
        Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
        if (module.isEmpty()) {
            return false; // e.g. jdk.compiler on a bare JRE: Chronicle Map needs a full JDK
        }
        return open ? module.get().isOpen(packageName, to) : module.get().isExported(packageName, to);
    }

    private static List<String> optionLines() {
        try (InputStream in = JvmFlags.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource=org/cerebro/jvm/" + RESOURCE
                    + " is missing from cerebro-core's jar: the build copies it from the root jvm.options");
            }
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    String trimmed = line.strip();
                    if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                        lines.add(trimmed);
                    }
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read org/cerebro/jvm/" + RESOURCE, e);
        }
    }

    /**
     * Prints "ok" and exits 0 when the JVM has every flag, else prints the missing ones and exits 1.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        List<String> missing = missing();
        if (missing.isEmpty()) {
            System.out.println("ok");
        } else {
            System.out.println(missingMessage("Cerebro", missing));
            System.exit(1);
        }
    }
}
