package org.cerebro.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.openhft.chronicle.map.ChronicleMap;
import org.cerebro.jvm.JvmFlags;

/**
 * A persisted {@code String -> byte[]} map in one file, backed by Chronicle Map: each put is
 * visible to a later JVM that opens the same file, also after a crash of the writer. Values are
 * opaque bytes in a format of the caller's (versioned binary, never Java serialization).
 *
 * <p>Thread-safe (Chronicle Map is). Close it to release the mapping.
 */
public final class DurableMap implements AutoCloseable {
    private final Path file;
    private final ChronicleMap<String, byte[]> map;

    private DurableMap(Path file, ChronicleMap<String, byte[]> map) {
        this.file = file;
        this.map = map;
    }

    /**
     * Opens {@code file}, creating it when absent.
     *
     * @param maxEntries        the most entries it will hold (Chronicle sizes its segments by it)
     * @param averageKeyBytes   the average key size in bytes
     * @param averageValueBytes the average value size in bytes
     * @throws IllegalStateException when the JVM lacks the flags Chronicle needs, listing them
     */
    public static DurableMap open(Path file, long maxEntries, int averageKeyBytes, int averageValueBytes) {
        return open(file, maxEntries, averageKeyBytes, averageValueBytes, null);
    }

    /**
     * Opens {@code file} like {@link #open}, but an existing file goes through Chronicle's
     * recovery first: use it for a file whose last writer may have been killed mid-update. Every
     * entry is checksummed; an entry whose checksum fails is dropped and described in
     * {@code corruptions}. It may grow well past {@code maxEntries} (tiers are added on demand).
     */
    public static DurableMap openRecovering(Path file, long maxEntries, int averageKeyBytes, int averageValueBytes,
                                            List<String> corruptions) {
        return open(file, maxEntries, averageKeyBytes, averageValueBytes, Objects.requireNonNull(corruptions));
    }

    private static DurableMap open(Path file, long maxEntries, int averageKeyBytes, int averageValueBytes,
                                   List<String> corruptions) {
        Objects.requireNonNull(file, "file");
        if (maxEntries < 1 || averageKeyBytes < 1 || averageValueBytes < 1) {
            throw new IllegalArgumentException("file=" + file + " maxEntries=" + maxEntries + " averageKeyBytes="
                + averageKeyBytes + " averageValueBytes=" + averageValueBytes + " expected all >= 1");
        }
        ChronicleSettings.apply();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            String name = file.getFileName().toString();
            if (corruptions != null) {
                refuseUnreadyHeader(file);
            }
            return new DurableMap(file, corruptions == null
                ? ChronicleBytesMap.open(file, name, maxEntries, averageKeyBytes, averageValueBytes)
                : ChronicleBytesMap.recover(file, name, maxEntries, averageKeyBytes, averageValueBytes, corruptions));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open durable map file=" + file, e);
        } catch (RuntimeException e) {
            if (hasCause(e, "java.lang.reflect.InaccessibleObjectException")) {
                throw new IllegalStateException(JvmFlags.missingMessage("Chronicle Map", JvmFlags.missing()), e);
            }
            if (e.getClass().getName().startsWith("net.openhft.")) {
                throw new DamagedStoreException("durable map file=" + file + " cannot be opened: its header or layout is"
                    + " damaged beyond what Chronicle's recovery repairs (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
            }
            throw e;
        }
    }

    /**
     * A file whose header word is zero was never finished or was damaged. Chronicle would wait a
     * minute for another process to finish creating it; the caller of recovery has the file to
     * itself, so nobody will.
     */
    private static void refuseUnreadyHeader(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return;
        }
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(4);
            while (header.hasRemaining() && channel.read(header) >= 0) {
                // a local file: reads complete
            }
            if (header.position() < 4 || header.getInt(0) == 0) {
                throw new DamagedStoreException("durable map file=" + file + " cannot be opened: its header (offset 0,"
                    + " " + Files.size(file) + " bytes in all) is zero, so its layout is unknown: the file was damaged"
                    + " or its creation was cut short", null);
            }
        }
    }

    /** The file holding the map. */
    public Path file() {
        return file;
    }

    /** Stores {@code value} under {@code key}, replacing any previous value. */
    public void put(String key, byte[] value) {
        map.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    }

    /** The value under {@code key}, or null. */
    public byte[] get(String key) {
        return map.get(Objects.requireNonNull(key, "key"));
    }

    /** Removes {@code key}; returns whether it was there. */
    public boolean remove(String key) {
        return map.remove(Objects.requireNonNull(key, "key")) != null;
    }

    /** Number of entries. */
    public int size() {
        return map.size();
    }

    /** A snapshot of the keys. */
    public List<String> keys() {
        return new ArrayList<>(map.keySet());
    }

    @Override
    public void close() {
        map.close();
    }

    private static boolean hasCause(Throwable e, String className) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
