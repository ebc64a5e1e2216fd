package org.cerebro.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Where the records of a {@link Dataset} live off the Java heap: in direct memory (small data,
 * tests) or in memory-mapped files in a work directory (data larger than you want in RAM twice,
 * partitions that workers keep resident). Either way a table is one Agrona buffer and at most
 * {@link #MAX_TABLE_BYTES} bytes: partition larger data into more pieces.
 *
 * <p>Thread-safe: a storage only allocates; each allocation is owned by the dataset built on it.
 */
public sealed interface Storage permits Storage.Direct, Storage.Mapped {
    /** The largest table one buffer can hold (an Agrona buffer is indexed by int). */
    long MAX_TABLE_BYTES = Integer.MAX_VALUE - 8;

    /** Direct (off-heap, not file-backed) memory, freed when the dataset is closed. */
    static Storage direct() {
        return Direct.INSTANCE;
    }

    /**
     * Memory-mapped files in {@code workDir}, created if absent. Each table is one file, deleted
     * when its dataset is closed.
     */
    static Storage mapped(Path workDir) {
        Objects.requireNonNull(workDir, "workDir");
        return new Mapped(workDir);
    }

    /**
     * Allocates a zeroed region of {@code bytes} bytes.
     *
     * @param name  what the region holds, for file names and error messages
     * @param bytes its size
     */
    Region allocate(String name, long bytes);

    /** Direct memory. */
    final class Direct implements Storage {
        static final Direct INSTANCE = new Direct();

        private Direct() {
        }

        @Override
        public Region allocate(String name, long bytes) {
            checkSize(name, bytes);
            ByteBuffer memory = ByteBuffer.allocateDirect((int) bytes);
            return new Region(new UnsafeBuffer(memory), () -> BufferUtil.free(memory), null);
        }

        @Override
        public String toString() {
            return "Storage.direct()";
        }
    }

    /** Memory-mapped files in a work directory. */
    final class Mapped implements Storage {
        private final Path workDir;

        private Mapped(Path workDir) {
            this.workDir = workDir;
        }

        /** The directory the table files are created in. */
        public Path workDir() {
            return workDir;
        }

        @Override
        public Region allocate(String name, long bytes) {
            checkSize(name, bytes);
            try {
                Files.createDirectories(workDir);
                Path file = Files.createTempFile(workDir, sanitize(name) + "-", ".records");
                MappedByteBuffer mapped;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, Math.max(bytes, 1));
                }
                Runnable release = () -> {
                    IoUtil.unmap(mapped);
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot delete table file=" + file, e);
                    }
                };
                return new Region(new UnsafeBuffer(mapped, 0, (int) bytes), release, file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot map table name=" + name + " bytes=" + bytes
                    + " in workDir=" + workDir, e);
            }
        }

        private static String sanitize(String name) {
            String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_");
            return cleaned.length() > 40 ? cleaned.substring(0, 40) : cleaned;
        }

        @Override
        public String toString() {
            return "Storage.mapped(" + workDir + ")";
        }
    }

    private static void checkSize(String name, long bytes) {
        if (bytes < 0 || bytes > MAX_TABLE_BYTES) {
            throw new DataException("table=" + name + " bytes=" + bytes + " expected 0.." + MAX_TABLE_BYTES
                + ": one table is one buffer; split the data into more partitions");
        }
    }
}
