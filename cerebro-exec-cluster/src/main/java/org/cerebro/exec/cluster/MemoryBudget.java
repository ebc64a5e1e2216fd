package org.cerebro.exec.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of frame payloads a worker holds in memory at once, over all its sessions: a frame's
 * bytes are reserved as they arrive (never from the length its header claims) and released when
 * the frame has been handled, so no peer, authenticated or not, makes the worker allocate more
 * than this.
 *
 * <p>Thread-safe.
 */
final class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** @param limit the most bytes held at once */
    MemoryBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("memory budget=" + limit + " expected >= 1");
        }
        this.limit = limit;
    }

    /**
     * Reserves {@code bytes}.
     *
     * @throws ProtocolException when that would pass the limit (nothing is reserved then)
     */
    void reserve(long bytes, String peer) throws ProtocolException {
        long now = used.addAndGet(bytes);
        if (now > limit) {
            used.addAndGet(-bytes);
            throw new ProtocolException("peer " + peer + ": a frame needs " + bytes + " more bytes but the worker holds "
                + (now - bytes) + " of its memory budget " + limit + " (--max-memory-mb)");
        }
    }

    /** Releases {@code bytes} reserved before. */
    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes reserved now. */
    long used() {
        return used.get();
    }

    /** The limit. */
    long limit() {
        return limit;
    }
}
