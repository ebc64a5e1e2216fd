package org.cerebro.exec.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;

/**
 * A worker's partitions: files in {@code <work-dir>/partitions} named by the SHA-256 of their
 * record bytes, memory-mapped when used. A worker restarted on the same directory still has them,
 * so a coordinator's offer of a known hash costs nothing. A transfer goes to a temporary file
 * and becomes the partition only when its length and hash check out.
 *
 * <p>Thread-safe: transfers of different partitions may run in different sessions.
 */
final class PartitionStore implements AutoCloseable {
    private final Path folder;
    private final Map<String, Dataset> open = new HashMap<>();

    PartitionStore(Path workDir) {
        this.folder = workDir.resolve("partitions");
        try {
            Files.createDirectories(folder);
            try (var stale = Files.newDirectoryStream(folder, "*.part")) {
                for (Path file : stale) {
                    Files.deleteIfExists(file); // a transfer cut short by a crash
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare partition folder=" + folder, e);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    synchronized boolean has(String hash) {
        return Files.exists(file(hash));
    }

    private Path file(String hash) {
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("partition hash=" + hash + " expected 64 hex digits");
        }
        return folder.resolve(hash + ".records");
    }

    /** Receives one partition: chunks in order, then {@link Transfer#finish()}. */
    Transfer receive(String hash, long bytes) throws IOException {
        return new Transfer(hash, bytes);
    }

    /** The partition, mapped once and shared by every session of this worker. */
    synchronized Dataset dataset(String hash, String name, int featureWidth, int numClasses) {
        return open.computeIfAbsent(hash, h -> Datasets.mapRecords(name, file(h), featureWidth, numClasses));
    }

    @Override
    public synchronized void close() {
        open.values().forEach(Dataset::close);
        open.clear();
    }

    /** A partition being received. */
    final class Transfer implements AutoCloseable {
        private final String hash;
        private final long expected;
        private final Path temporary;
        private final OutputStream out;
        private final MessageDigest digest = digest();
        private long received;

        private Transfer(String hash, long expected) throws IOException {
            this.hash = hash;
            this.expected = expected;
            this.temporary = folder.resolve(hash + "-" + System.nanoTime() + ".part");
            file(hash); // validates the name
            this.out = Files.newOutputStream(temporary);
        }

        void chunk(long offset, byte[] bytes) throws ProtocolException, IOException {
            if (offset != received || received + bytes.length > expected) {
                throw new ProtocolException("partition " + hash + " chunk at offset " + offset + " of " + bytes.length
                    + " bytes, expected offset " + received + " and at most " + (expected - received) + " bytes");
            }
            out.write(bytes);
            digest.update(bytes);
            received += bytes.length;
        }

        void finish() throws ProtocolException, IOException {
            out.close();
            String actual = HexFormat.of().formatHex(digest.digest());
            if (received != expected || !actual.equals(hash)) {
                Files.deleteIfExists(temporary);
                throw new ProtocolException("partition transfer failed its check: received " + received + " of "
                    + expected + " bytes, sha256 " + actual + " expected " + hash);
            }
            synchronized (PartitionStore.this) {
                Files.move(temporary, file(hash), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
            Files.deleteIfExists(temporary);
        }
    }
}
