package org.cerebro.jmh;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where benchmarks find the real datasets: -Dcerebro.data, else $CEREBRO_DATA, else ../shared/data. */
public final class BenchData {
    private BenchData() {
    }

    /** The data directory; fails naming where it looked when it is absent. */
    public static Path dir() {
        String configured = System.getProperty("cerebro.data", System.getenv("CEREBRO_DATA"));
        Path dir = Path.of(configured != null ? configured : "../shared/data");
        if (!Files.isDirectory(dir.resolve("mnist"))) {
            throw new IllegalStateException("MNIST not found under " + dir.toAbsolutePath()
                + ": run from the project root with ../shared/data beside it, or pass -Dcerebro.data=DIR");
        }
        return dir;
    }
}
