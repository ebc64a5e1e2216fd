package org.cerebro.exec.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's partitions: files in {@code <work-dir>/partitions} named by the SHA-256 of their
 * record bytes, memory-mapped while a session uses them. A worker restarted on the same directory
 * still has them, so a coordinator's offer of a known hash costs no transfer, but a stored file is
 * trusted only after its content was hashed again for the search that uses it: a damaged file is
 * deleted, logged and sent again. A transfer goes to a temporary file and becomes the partition only when
 * its length and hash check out, and it is accepted only when it fits: in the disk budget (least
 * recently used partitions no session uses are evicted to make room) and in the file system's
 * free space.
 *
 * <p>Thread-safe: sessions share it.
 */
final class PartitionStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionStore.class);
    /** Free space the file system keeps after a transfer, beyond the transfer itself. */
    static final long FREE_SPACE_MARGIN = 64L << 20;

    private final Path folder;
    private final long diskBudget;
    /** Stored partitions and their sizes, least recently used first. */
    private final LinkedHashMap<String, Long> stored = new LinkedHashMap<>(16, 0.75f, true);
    private final Set<String> verified = new HashSet<>();
    private final Map<String, Dataset> open = new HashMap<>();
    private final Map<String, Integer> users = new HashMap<>();

    /** @param diskBudget the most bytes of partitions kept in the folder */
    PartitionStore(Path workDir, long diskBudget) {
        this.folder = workDir.resolve("partitions");
        this.diskBudget = diskBudget;
        try {
            Files.createDirectories(folder);
            List<Path> files = new ArrayList<>();
            try (var entries = Files.newDirectoryStream(folder)) {
                for (Path file : entries) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".part")) {
                        Files.deleteIfExists(file); // a transfer cut short by a crash
                    } else if (name.matches("[0-9a-f]{64}\\.records")) {
                        files.add(file);
                    }
                }
            }
            files.sort((a, b) -> lastModified(a).compareTo(lastModified(b)));
            for (Path file : files) {
                stored.put(file.getFileName().toString().substring(0, 64), Files.size(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare partition folder=" + folder, e);
        }
    }

    private static java.nio.file.attribute.FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    static void checkHash(String hash) throws ProtocolException {
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new ProtocolException("partition hash=" + hash + " expected 64 lowercase hex digits");
        }
    }

    private Path file(String hash) {
        return folder.resolve(hash + ".records");
    }

    /** Bytes of partitions stored now. */
    synchronized long storedBytes() {
        return stored.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Whether the partition is stored intact. A file no session is using is hashed again (once per
     * search that uses it, so damage between searches or between runs of the worker is found); one
     * whose content does not match its name is deleted (and logged), so it is sent again.
     */
    synchronized boolean has(String hash) throws ProtocolException {
        checkHash(hash);
        if (!stored.containsKey(hash)) {
            return false;
        }
        if (verified.contains(hash)) {
            stored.get(hash); // touch: recently used
            return true;
        }
        String actual;
        try (InputStream in = Files.newInputStream(file(hash))) {
            MessageDigest digest = digest();
            byte[] chunk = new byte[1 << 20];
            for (int n; (n = in.read(chunk)) > 0; ) {
                digest.update(chunk, 0, n);
            }
            actual = HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            actual = "unreadable (" + e + ")";
        }
        if (!actual.equals(hash)) {
            LOG.warn("partition file {} is damaged (its content hashes to {}): deleted, it will be sent again",
                file(hash), actual);
            delete(hash);
            return false;
        }
        verified.add(hash);
        return true;
    }

    private void delete(String hash) {
        stored.remove(hash);
        verified.remove(hash);
        try {
            Files.deleteIfExists(file(hash));
        } catch (IOException e) {
            LOG.warn("cannot delete partition file {}: {}", file(hash), e.toString());
        }
    }

    /**
     * Receives one partition: chunks in order, then {@link Transfer#finish()}. Room is made first:
     * least recently used partitions no session uses are evicted until it fits the disk budget.
     *
     * @throws DiskFullException when it fits neither the budget nor the file system's free space
     */
    Transfer receive(String hash, long bytes) throws IOException {
        checkHash(hash);
        makeRoom(hash, bytes);
        return new Transfer(hash, bytes);
    }

    private synchronized void makeRoom(String hash, long bytes) throws IOException {
        long used = storedBytes();
        Iterator<Map.Entry<String, Long>> eldest = stored.entrySet().iterator();
        List<String> evict = new ArrayList<>();
        while (used + bytes > diskBudget && eldest.hasNext()) {
            Map.Entry<String, Long> entry = eldest.next();
            if (users.getOrDefault(entry.getKey(), 0) == 0 && !entry.getKey().equals(hash)) {
                evict.add(entry.getKey());
                used -= entry.getValue();
            }
        }
        if (used + bytes > diskBudget) {
            throw new DiskFullException("worker cannot store a partition of " + bytes + " bytes: its disk budget is "
                + diskBudget + " bytes (--disk-budget-mb) and " + used + " bytes are partitions in use");
        }
        long usable = Files.getFileStore(folder).getUsableSpace();
        long freed = evict.stream().mapToLong(stored::get).sum();
        if (usable + freed - bytes < FREE_SPACE_MARGIN) {
            throw new DiskFullException("worker cannot store a partition of " + bytes + " bytes: the file system of "
                + folder + " has " + usable + " bytes usable (" + freed + " more after evicting unused partitions),"
                + " and keeps " + FREE_SPACE_MARGIN + " free");
        }
        for (String old : evict) {
            LOG.info("evicting partition {} ({} bytes, least recently used) to make room for {}", old, stored.get(old),
                hash);
            delete(old);
        }
    }

    /**
     * The partition, mapped, for a session; it stays mapped (and is never evicted) until every
     * session that acquired it {@link #release released} it.
     */
    synchronized Dataset acquire(String hash, String name, int featureWidth, int numClasses) {
        Dataset dataset = open.computeIfAbsent(hash, h -> Datasets.mapRecords(name, file(h), featureWidth, numClasses));
        users.merge(hash, 1, Integer::sum);
        stored.get(hash); // touch
        return dataset;
    }

    /** A session no longer uses the partition. */
    synchronized void release(String hash) {
        int left = users.merge(hash, -1, Integer::sum);
        if (left <= 0) {
            users.remove(hash);
            verified.remove(hash); // hashed again before the next search that uses it trusts it
            Dataset dataset = open.remove(hash);
            if (dataset != null) {
                dataset.close();
            }
        }
    }

    @Override
    public synchronized void close() {
        open.values().forEach(Dataset::close);
        open.clear();
        users.clear();
    }

    /** A partition does not fit on this worker. */
    static final class DiskFullException extends IOException {
        private static final long serialVersionUID = 1L;

        DiskFullException(String message) {
            super(message);
        }
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
                stored.put(hash, expected);
                verified.add(hash);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
            Files.deleteIfExists(temporary);
        }
    }
}
