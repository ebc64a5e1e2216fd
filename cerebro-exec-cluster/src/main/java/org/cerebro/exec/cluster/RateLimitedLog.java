package org.cerebro.exec.cluster;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Log lines a peer can provoke (a refused connection, a failed handshake), at most one per kind
 * per interval, each saying how many of its kind were not logged since: a flood of bad peers
 * cannot grow the log without bound.
 *
 * <p>Thread-safe.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final ConcurrentHashMap<String, long[]> kinds = new ConcurrentHashMap<>();
    private final AtomicLong suppressedTotal = new AtomicLong();

    RateLimitedLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Logs {@code message} at WARN unless a line of {@code kind} was logged within the interval. */
    void warn(String kind, String message) {
        long now = System.nanoTime();
        long[] state = kinds.computeIfAbsent(kind, k -> new long[] {now - intervalNanos - 1, 0});
        long suppressed;
        synchronized (state) {
            if (now - state[0] <= intervalNanos) {
                state[1]++;
                suppressedTotal.incrementAndGet();
                return;
            }
            state[0] = now;
            suppressed = state[1];
            state[1] = 0;
        }
        log.warn(suppressed == 0 ? message : message + " (" + suppressed + " more like it not logged)");
    }

    /** Lines suppressed so far, over all kinds. */
    long suppressed() {
        return suppressedTotal.get();
    }
}
