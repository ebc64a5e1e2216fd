package org.cerebro.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Where the examples get MNIST: {@code --data DIR}, else {@code CEREBRO_DATA}, else
 * {@code ../shared/data} when it exists; otherwise the four files are downloaded, once, into
 * {@code ~/.cache/cerebro/data/mnist} (or {@code $XDG_CACHE_HOME/cerebro/data/mnist}), each checked
 * (gzip, IDX magic number, record count and image size) before it is kept. Offline, it fails
 * saying where to put the files. Nothing else is ever sent or fetched.
 */
final class MnistData {
    /** Mirrors tried in order; the files are the classic LeCun et al. ones. */
    static final List<String> MIRRORS = List.of("https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/");
    private static final String[][] FILES = {
        {"train-images-idx3-ubyte.gz", "2051", "60000"}, {"train-labels-idx1-ubyte.gz", "2049", "60000"},
        {"t10k-images-idx3-ubyte.gz", "2051", "10000"}, {"t10k-labels-idx1-ubyte.gz", "2049", "10000"}};

    private MnistData() {
    }

    /** The data directory holding {@code mnist/}, downloading MNIST into the cache when needed. */
    static Path dir(String fromOption) {
        String configured = fromOption != null ? fromOption : System.getenv("CEREBRO_DATA");
        if (configured != null) {
            return DataDir.resolve(configured);
        }
        Path shared = Path.of("../shared/data");
        if (Files.isDirectory(shared.resolve("mnist"))) {
            return shared;
        }
        Path cache = cacheDir();
        download(cache.resolve("mnist"), MIRRORS);
        return cache;
    }

    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("cerebro").resolve("data");
    }

    /** Downloads the four files missing from {@code folder}, trying {@code mirrors} in order. */
    static void download(Path folder, List<String> mirrors) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the MNIST cache folder " + folder, e);
        }
        for (String[] file : FILES) {
            Path target = folder.resolve(file[0]);
            if (Files.exists(target)) {
                continue;
            }
            StringBuilder failures = new StringBuilder();
            boolean done = false;
            for (String mirror : mirrors) {
                Path partial = folder.resolve(file[0] + ".part");
                try {
                    System.out.println("downloading " + mirror + file[0]);
                    HttpResponse<Path> response = client.send(HttpRequest.newBuilder(URI.create(mirror + file[0]))
                        .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofFile(partial));
                    if (response.statusCode() != 200) {
                        throw new IOException("HTTP " + response.statusCode());
                    }
                    check(partial, Integer.parseInt(file[1]), Integer.parseInt(file[2]));
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    done = true;
                    break;
                } catch (IOException e) {
                    failures.append("\n  ").append(mirror).append(file[0]).append(": ").append(e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while downloading MNIST", e);
                } finally {
                    try {
                        Files.deleteIfExists(partial);
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            }
            if (!done) {
                throw new IllegalStateException("MNIST is not on this machine and could not be downloaded (offline?):"
                    + failures + "\nPut the four files (" + String.join(", ", names()) + ") in " + folder
                    + ", or pass --data DIR (a folder holding mnist/), or set CEREBRO_DATA.");
            }
        }
    }

    private static List<String> names() {
        return java.util.Arrays.stream(FILES).map(f -> f[0]).toList();
    }

    /** A real IDX file: gzip, the expected magic number and count, whole. */
    static void check(Path file, int magic, int count) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            java.io.DataInputStream data = new java.io.DataInputStream(in);
            int actualMagic = data.readInt();
            int actualCount = data.readInt();
            if (actualMagic != magic || actualCount != count) {
                throw new IOException("magic=" + actualMagic + " count=" + actualCount + " expected magic=" + magic
                    + " count=" + count);
            }
            long expectedRest = magic == 2051 ? 8L + (long) count * 28 * 28 : count;
            long rest = in.transferTo(java.io.OutputStream.nullOutputStream());
            if (rest != expectedRest) {
                throw new IOException("truncated: " + rest + " bytes after the header, expected " + expectedRest);
            }
        }
    }
}
