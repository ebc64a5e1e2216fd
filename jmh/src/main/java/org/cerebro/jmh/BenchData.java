package org.cerebro.jmh;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where benchmarks find the real datasets: -Dcerebro.data, else $CEREBRO_DATA, else ../shared/data. */
public final class BenchData {
    private BenchData() {
    }

    /** MNIST's 60,000 training images. */
    public static org.cerebro.data.Dataset mnistTrain() {
        return org.cerebro.data.Datasets.idx(dir().resolve("mnist/train-images-idx3-ubyte.gz"),
            dir().resolve("mnist/train-labels-idx1-ubyte.gz"));
    }

    /** MNIST's 10,000 test images. */
    public static org.cerebro.data.Dataset mnistTest() {
        return org.cerebro.data.Datasets.idx(dir().resolve("mnist/t10k-images-idx3-ubyte.gz"),
            dir().resolve("mnist/t10k-labels-idx1-ubyte.gz"));
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
