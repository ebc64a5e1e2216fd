package org.cerebro;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.cerebro.driver.SearchDriver;

/**
 * A search running on a thread of its own ({@link Search#start()}). {@link #cancel()}
 * stops it at the next unit boundary: units in flight finish, nothing new starts, trials whose
 * epoch was cut short end {@link TrialStatus#CANCELLED} with the epochs they completed.
 *
 * <p>Thread-safe.
 */
public final class RunningSearch {
    private final CompletableFuture<SearchResult> result;
    private final SearchDriver driver;

    RunningSearch(SearchDriver driver) {
        this.driver = driver;
        this.result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(driver.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "cerebro-search");
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the search to stop at the next unit boundary; returns at once. Idempotent. */
    public void cancel() {
        driver.cancel();
    }

    /** Whether the search has ended (finished, cancelled or failed). */
    public boolean isDone() {
        return result.isDone();
    }

    /**
     * Waits for the result.
     *
     * @throws IllegalStateException wrapping what made the search fail
     */
    public SearchResult await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("search failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Waits at most {@code timeout} for the result.
     *
     * @throws TimeoutException when the search is still running
     */
    public SearchResult await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("search failed: " + e.getCause(), e.getCause());
        }
    }
}
