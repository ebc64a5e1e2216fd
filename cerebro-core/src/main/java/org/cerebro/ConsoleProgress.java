package org.cerebro;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import org.cerebro.train.Metrics;

/**
 * A progress line for people watching a search: epochs done out of the planned total, trials
 * running, the best score so far, elapsed time and an estimate of the time left, at most once a
 * second. {@link SearchBuilder} adds one when the JVM has a console (an interactive terminal), so
 * it stays quiet under tests and in CI.
 *
 * <p>Called on the driver thread only.
 */
public final class ConsoleProgress implements SearchListener {
    private final PrintStream out;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private final Set<Integer> running = new HashSet<>();
    private long start;
    private long lastPrint;
    private long planned;
    private long epochsDone;
    private double best = Double.NaN;
    private int bestTrial = -1;

    /** Prints to {@code out} at most once a second. */
    public ConsoleProgress(PrintStream out) {
        this(out, System::nanoTime, 1_000_000_000L);
    }

    /** Prints to {@code out} at most once per {@code intervalNanos} of {@code nanoClock}; for tests. */
    public ConsoleProgress(PrintStream out, LongSupplier nanoClock, long intervalNanos) {
        this.out = out;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
    }

    @Override
    public void searchStarted(String summary, long plannedEpochs) {
        start = nanoClock.getAsLong();
        lastPrint = start - intervalNanos;
        planned = plannedEpochs;
        out.println("search: " + summary);
    }

    @Override
    public void trialStarted(int trialId, org.cerebro.space.Config config) {
        running.add(trialId);
    }

    @Override
    public void epochEnded(int trialId, int epoch, Metrics metrics, double score) {
        epochsDone++;
        print(false);
    }

    @Override
    public void bestSoFar(int trialId, int epoch, double score) {
        best = score;
        bestTrial = trialId;
    }

    @Override
    public void trialStopped(int trialId, int epochs) {
        running.remove(trialId);
    }

    @Override
    public void trialFailed(int trialId, int epoch, String reason) {
        running.remove(trialId);
    }

    @Override
    public void searchFinished(SearchResult result) {
        print(true);
    }

    /** The line as it would print now. */
    String line() {
        double elapsed = (nanoClock.getAsLong() - start) / 1e9;
        long total = Math.max(planned, epochsDone);
        String eta = epochsDone == 0 || total == epochsDone ? "-"
            : String.format(Locale.ROOT, "%.0f s", elapsed / epochsDone * (total - epochsDone));
        String bestText = Double.isNaN(best) ? "-" : String.format(Locale.ROOT, "%.4f (trial %d)", best, bestTrial);
        return String.format(Locale.ROOT, "[%7.1f s] %d/%d epochs, %d running, best score %s, ETA %s", elapsed,
            epochsDone, total, running.size(), bestText, eta);
    }

    private void print(boolean force) {
        long now = nanoClock.getAsLong();
        if (force || now - lastPrint >= intervalNanos) {
            lastPrint = now;
            out.println(line());
        }
    }
}
