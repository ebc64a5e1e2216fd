package org.cerebro.data;

import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One off-heap allocation and the action that releases it. After {@link #close()} the buffer is
 * re-pointed at an empty array, so a late read fails with a bounds error instead of reading freed
 * memory.
 *
 * <p>Not thread-safe: owned by exactly one {@link Dataset}, which closes it.
 */
final class Region implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];

    private final UnsafeBuffer buffer;
    private final Runnable release;
    private final Path file;
    private boolean closed;

    Region(UnsafeBuffer buffer, Runnable release, Path file) {
        this.buffer = buffer;
        this.release = release;
        this.file = file;
    }

    UnsafeBuffer buffer() {
        return buffer;
    }

    /** Whether the memory was released. */
    boolean closed() {
        return closed;
    }

    /** The backing file, or null for direct memory. */
    Path file() {
        return file;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        buffer.wrap(EMPTY);
        release.run();
    }
}
