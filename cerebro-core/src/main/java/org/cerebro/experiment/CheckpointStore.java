package org.cerebro.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.cerebro.exec.Checkpoint;

/**
 * Checkpoint files, each written atomically: the bytes go to {@code name.tmp}, are forced to disk,
 * and the file is renamed into place (then the folder is forced), so a reader sees a whole file or
 * none. Each file starts with a 20-byte header (magic {@code CCKP}, format version, payload length,
 * payload CRC-32C, little-endian) and a read checks it against the {@link Checkpoint} reference:
 * a truncated, torn or altered file is reported, never trusted.
 *
 * <p>Thread-safe: distinct names may be written concurrently (workers checkpoint in parallel).
 */
final class CheckpointStore {
    static final int MAGIC = 0x504B4343; // "CCKP" little-endian
    static final int VERSION = 1;
    static final int HEADER_BYTES = 20;

    private final Path folder;

    CheckpointStore(Path folder) {
        this.folder = folder;
        try {
            Files.createDirectories(folder);
            // a kill between write and rename leaves a temporary file: never referenced, drop it
            try (var stale = Files.newDirectoryStream(folder, "*.tmp")) {
                for (Path file : stale) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare checkpoint folder=" + folder, e);
        }
    }

    /** The free space of the folder's file system, for messages (or nothing when it cannot be read). */
    private String freeSpace() {
        try {
            return " (" + Files.getFileStore(folder).getUsableSpace() + " bytes usable on the file system of " + folder
                + "; free some and run the search again to resume)";
        } catch (IOException e) {
            return "";
        }
    }

    /** Writes {@code payload} durably as {@code name}, replacing nothing: names are unique. */
    Checkpoint write(String name, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        int checksum = (int) crc.getValue();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(MAGIC).putInt(VERSION).putLong(payload.length).putInt(checksum).flip();
        Path target = folder.resolve(name);
        Path temporary = folder.resolve(name + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                writeFully(channel, header);
                writeFully(channel, ByteBuffer.wrap(payload));
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("file system of " + folder + " cannot rename atomically: checkpoints could tear", e);
            }
            forceFolder();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary); // a torn write leaves nothing behind
            } catch (IOException ignored) {
                // reported below with the write's own failure
            }
            throw new UncheckedIOException("cannot write checkpoint file=" + target + " bytes=" + payload.length + ": "
                + e.getMessage() + freeSpace(), e);
        }
        return new Checkpoint(name, payload.length, checksum);
    }

    /**
     * The payload of {@code checkpoint}.
     *
     * @throws CorruptCheckpointException when the file is missing, short, or its header or CRC
     *                                    disagree with the reference
     */
    byte[] read(Checkpoint checkpoint) throws CorruptCheckpointException {
        Path file = folder.resolve(checkpoint.file());
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CorruptCheckpointException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (all.length < HEADER_BYTES) {
            throw new CorruptCheckpointException(file + ": length=" + all.length + " expected>=" + HEADER_BYTES
                + " (header)");
        }
        ByteBuffer header = ByteBuffer.wrap(all, 0, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int magic = header.getInt();
        int version = header.getInt();
        long length = header.getLong();
        int checksum = header.getInt();
        if (magic != MAGIC || version != VERSION) {
            throw new CorruptCheckpointException(file + ": magic=" + Integer.toHexString(magic) + " version=" + version
                + " expected magic=" + Integer.toHexString(MAGIC) + " version=" + VERSION);
        }
        if (length != checkpoint.length() || all.length - HEADER_BYTES != length) {
            throw new CorruptCheckpointException(file + ": payload length=" + (all.length - HEADER_BYTES) + " header says "
                + length + " catalog says " + checkpoint.length());
        }
        CRC32C crc = new CRC32C();
        crc.update(all, HEADER_BYTES, all.length - HEADER_BYTES);
        if ((int) crc.getValue() != checksum || checksum != checkpoint.crc32c()) {
            throw new CorruptCheckpointException(file + ": crc32c=" + Integer.toHexString((int) crc.getValue())
                + " header says " + Integer.toHexString(checksum) + " catalog says "
                + Integer.toHexString(checkpoint.crc32c()));
        }
        return java.util.Arrays.copyOfRange(all, HEADER_BYTES, all.length);
    }

    /** Deletes {@code name} if it exists. */
    void delete(String name) {
        try {
            Files.deleteIfExists(folder.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete checkpoint file=" + folder.resolve(name), e);
        }
    }

    Path folder() {
        return folder;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Makes the rename itself durable (POSIX: the directory entry lives in the folder's data). */
    private void forceFolder() {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some platforms cannot open a folder; the rename is still atomic, only its durability
            // across power loss is then the file system's
        }
    }
}
