package org.cerebro.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the real datasets (MNIST, UCI Adult, UCI Letter) that tests read in place:
 * the system property {@code cerebro.data} (the build sets it to {@code ../shared/data}), else the
 * environment variable {@code CEREBRO_DATA}. When they are absent a test fails under CI
 * ({@code CI=true}) and is skipped elsewhere, e.g. on a laptop without the shared folder.
 */
public final class TestData {
    private TestData() {
    }

    /** The data directory. */
    public static Path dir() {
        String configured = System.getProperty("cerebro.data");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("CEREBRO_DATA");
        }
        Path dir = configured == null ? null : Path.of(configured);
        boolean present = dir != null && Files.isDirectory(dir.resolve("mnist"));
        if (!present) {
            String message = "real datasets not found at cerebro.data=" + configured
                + " (expected ../shared/data beside the project, with mnist/, uci-adult/, uci-letter/)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            assumeTrue(false, message);
        }
        return dir;
    }

    /** MNIST's 60,000 training images under the data directory {@code dir}. */
    public static org.cerebro.data.Dataset mnistTrain(Path dir) {
        return org.cerebro.data.Datasets.idx(dir.resolve("mnist/train-images-idx3-ubyte.gz"),
            dir.resolve("mnist/train-labels-idx1-ubyte.gz"));
    }

    /** MNIST's 10,000 test images under the data directory {@code dir}. */
    public static org.cerebro.data.Dataset mnistTest(Path dir) {
        return org.cerebro.data.Datasets.idx(dir.resolve("mnist/t10k-images-idx3-ubyte.gz"),
            dir.resolve("mnist/t10k-labels-idx1-ubyte.gz"));
    }

    /** A file under the data directory, e.g. {@code file("mnist", "t10k-labels-idx1-ubyte.gz")}. */
    public static Path file(String folder, String name) {
        Path file = dir().resolve(folder).resolve(name);
        if (!Files.isRegularFile(file)) {
            fail("dataset file missing: " + file);
        }
        return file;
    }
}
