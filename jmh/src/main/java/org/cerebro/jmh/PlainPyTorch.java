package org.cerebro.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code jmh/src/main/python/plain_pytorch_pass.py}, the plain-PyTorch reference loop, when
 * the given {@code python3} has torch. Benchmarks compare against it; {@code mvn verify} never
 * runs it.
 */
final class PlainPyTorch {
    private static final Path SCRIPT = Path.of("jmh/src/main/python/plain_pytorch_pass.py");
    private final String python;
    private final boolean available;

    /** @param python the interpreter, e.g. {@code python3} or {@code /usr/bin/python3} */
    PlainPyTorch(String python) throws IOException, InterruptedException {
        this.python = python;
        this.available = Files.exists(SCRIPT) && run(List.of(python, "-c", "import torch")) != null;
    }

    boolean available() {
        return available;
    }

    /**
     * Median milliseconds of one pass over {@code records} MNIST test images of the MLP of
     * {@code depth} hidden layers of {@code width}, or NaN when PyTorch is not available.
     */
    double passMillis(int batch, int threads, int records, int width, int depth, int warmup, int passes)
        throws IOException, InterruptedException {
        if (!available) {
            return Double.NaN;
        }
        List<String> command = new ArrayList<>(List.of(python, SCRIPT.toString(), "--data", BenchData.dir().toString(),
            "--batch", String.valueOf(batch), "--threads", String.valueOf(threads), "--records", String.valueOf(records),
            "--width", String.valueOf(width), "--depth", String.valueOf(depth), "--warmup", String.valueOf(warmup),
            "--passes", String.valueOf(passes)));
        String line = run(command);
        if (line == null) {
            throw new IllegalStateException("the reference failed: " + command);
        }
        return Double.parseDouble(line.split(" ")[0]);
    }

    /** The command's last output line ("" when it printed nothing), or null when it fails. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            return null;
        }
        return new String(out, StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElse("");
    }
}
