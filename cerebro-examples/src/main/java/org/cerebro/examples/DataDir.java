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

    static Path resolve(String fromOption) {
        String configured = fromOption != null ? fromOption : System.getenv("CEREBRO_DATA");
        Path dir = Path.of(configured != null ? configured : "../shared/data");
        if (!Files.isDirectory(dir.resolve("mnist"))) {
            throw new IllegalArgumentException("data directory=" + dir.toAbsolutePath() + " has no mnist/ folder:"
                + " pass --data DIR or set CEREBRO_DATA to a folder holding mnist/train-images-idx3-ubyte.gz etc.");
        }
        return dir;
    }
}
