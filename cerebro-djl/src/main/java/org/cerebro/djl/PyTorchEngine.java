package org.cerebro.djl;

import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Starts DJL's PyTorch engine from the artifacts on the class path alone, never downloading:
 * unless the application set {@code ai.djl.offline} itself, it is set to {@code true} before the
 * engine loads. When libtorch or its JNI glue is missing, the error names the Maven artifact to add.
 *
 * <p>Thread-safe: DJL starts an engine once per JVM.
 */
public final class PyTorchEngine {
    /** The DJL engine name. */
    public static final String NAME = "PyTorch";
    /** The libtorch version of the native artifacts this build was verified with. */
    public static final String NATIVE_VERSION = "2.7.1";
    /** The JNI artifact version matching {@link #NATIVE_VERSION} and DJL 0.35.1. */
    public static final String JNI_VERSION = "2.7.1-0.35.1";

    private PyTorchEngine() {
    }

    /**
     * The started engine.
     *
     * @throws IllegalStateException when the engine cannot start, naming the artifacts to add
     */
    public static Engine get() {
        if (System.getProperty("ai.djl.offline") == null) {
            // A library must not download native code onto its users' machines behind their back.
            System.setProperty("ai.djl.offline", "true");
        }
        try {
            Engine engine = Engine.getEngine(NAME);
            if (engine == null) {
                throw new IllegalStateException(missingMessage("the engine was not found"));
            }
            return engine;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException(missingMessage(describe(e)), e);
        }
    }

    /**
     * Splits the machine's cores between {@code workers} training threads so they do not
     * oversubscribe it: each op gets {@code max(1, cores / workers)} intra-op threads. PyTorch
     * keeps this setting per process and applies it to threads as they first run an op, so call
     * it before the workers start (calling it from each worker thread is harmless).
     *
     * @return the intra-op threads per worker
     */
    public static int configureForWorkers(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers=" + workers + " expected>=1");
        }
        get();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        return threads;
    }

    /** The Maven coordinates of the libtorch artifact for this operating system and processor. */
    public static String nativeArtifact() {
        return "ai.djl.pytorch:pytorch-native-cpu:" + NATIVE_VERSION + ":" + classifier();
    }

    /** The Maven coordinates of the JNI artifact. */
    public static String jniArtifact() {
        return "ai.djl.pytorch:pytorch-jni:" + JNI_VERSION;
    }

    static String classifier() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osPart = os.startsWith("mac") ? "osx" : os.startsWith("windows") ? "win" : "linux";
        String archPart = arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : "x86_64";
        return osPart + "-" + archPart;
    }

    private static String missingMessage(String cause) {
        return "the PyTorch engine could not start offline (" + cause + "). Cerebro runs it from Maven"
            + " artifacts only, without downloads: put both on the class path: " + nativeArtifact()
            + " (libtorch, classifier " + classifier() + ") and " + jniArtifact()
            + " (JNI glue); org.cerebro:cerebro-djl brings ai.djl.pytorch:pytorch-engine. The native library is"
            + " the application's choice: add the two artifacts above for this platform (for a GPU, DJL's CUDA"
            + " build of pytorch-native, e.g. pytorch-native-cu124); see the README.";
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
