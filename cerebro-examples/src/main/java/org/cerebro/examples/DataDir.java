package org.cerebro.examples;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the examples find their datasets: {@code --data DIR}, else the environment variable
 * {@code CEREBRO_DATA}, else {@code ../shared/data} when it exists.
 */
final class DataDir {
    private DataDir() {
    }

    /** The directory holding {@code mnist/}. */
    static Path resolve(String fromOption) {
        return resolve(fromOption, "mnist");
    }

    /** The directory holding {@code folder/} (e.g. {@code uci-adult}). */
    static Path resolve(String fromOption, String folder) {
        String configured = fromOption != null ? fromOption : System.getenv("CEREBRO_DATA");
        Path dir = Path.of(configured != null ? configured : "../shared/data");
        if (!Files.isDirectory(dir.resolve(folder))) {
            throw new IllegalArgumentException("data directory=" + dir.toAbsolutePath() + " has no " + folder + "/ folder:"
                + " pass --data DIR or set CEREBRO_DATA to a folder holding " + folder + "/");
        }
        return dir;
    }
}
