package org.cerebro.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cerebro.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MNIST download, with real HTTP against a server on 127.0.0.1 (no internet here): the files
 * arrive checked; a mirror serving a broken file is passed over; with every mirror failing the
 * error says what failed and where to put the files.
 */
class MnistDataTest {
    private static final String[] NAMES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    /** Serves {@code /good/<name>} from the shared data, {@code /broken/<name>} truncated, else 404. */
    private static HttpServer server() throws IOException {
        Path mnist = TestData.dir().resolve("mnist");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String name = path.substring(path.lastIndexOf('/') + 1);
            Path file = mnist.resolve(name);
            if (!Files.exists(file) || !(path.startsWith("/good/") || path.startsWith("/broken/"))) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] bytes = Files.readAllBytes(file);
            if (path.startsWith("/broken/")) {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length / 2);
            }
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    @Test
    void theFilesAreDownloadedCheckedAndKept(@TempDir Path tmp) throws Exception {
        HttpServer server = server();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            MnistData.download(tmp, List.of(base + "/missing/", base + "/broken/", base + "/good/"));
            for (String name : NAMES) {
                assertArrayEquals(Files.readAllBytes(TestData.dir().resolve("mnist").resolve(name)),
                    Files.readAllBytes(tmp.resolve(name)), name);
            }
            try (var files = Files.list(tmp)) {
                assertFalse(files.anyMatch(f -> f.toString().endsWith(".part")), "no partial file left");
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withEveryMirrorFailingTheErrorSaysWhatToDo(@TempDir Path tmp) throws Exception {
        HttpServer server = server();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MnistData.download(tmp, List.of(base + "/missing/", base + "/broken/")));
            assertTrue(e.getMessage().contains("could not be downloaded (offline?)"), e.getMessage());
            assertTrue(e.getMessage().contains("/missing/train-images-idx3-ubyte.gz: HTTP 404"), e.getMessage());
            assertTrue(e.getMessage().contains("/broken/train-images-idx3-ubyte.gz: "), e.getMessage());
            assertTrue(e.getMessage().contains("Put the four files") && e.getMessage().contains(tmp.toString()),
                e.getMessage());
            assertFalse(Files.exists(tmp.resolve("train-images-idx3-ubyte.gz")), "a broken file is never kept");
        } finally {
            server.stop(0);
        }
    }
}
