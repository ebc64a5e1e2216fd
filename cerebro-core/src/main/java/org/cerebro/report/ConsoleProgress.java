package org.cerebro.report;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import org.cerebro.train.Metrics;
import org.cerebro.SearchResult;
import org.cerebro.SearchListener;

/**
 * A progress line for people watching a search: units and epochs done out of the planned totals,
 * trials open (started and not yet stopped, completed or failed), the best score so far, elapsed
 * time and an estimate of the time left (from this run's unit rate), at most once a second, after
 * units. {@link SearchBuilder} adds one when the JVM has a console (an interactive terminal), so
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
    private long unitsDone;
    private long unitsRecovered;
    private int partitions = 1;
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
    public void searchResumed(int epochsRecovered, long unitsRecovered) {
        this.unitsRecovered = unitsRecovered;
        out.println("resuming: " + epochsRecovered + " epochs and " + unitsRecovered + " units recovered");
    }

    @Override
    public void unitDone(org.cerebro.exec.UnitRecord unit, int partitions) {
        this.partitions = partitions;
        unitsDone++;
        print(false);
    }

    @Override
    public void trialStarted(int trialId, org.cerebro.space.Config config) {
        running.add(trialId);
    }

    @Override
    public void epochEnded(int trialId, int epoch, Metrics metrics, double score) {
        epochsDone++;
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
        long unitsTotal = Math.max(total * partitions, unitsRecovered + unitsDone);
        long unitsLeft = unitsTotal - unitsRecovered - unitsDone;
        String eta = unitsDone == 0 || unitsLeft <= 0 || epochsDone == total ? "-"
            : String.format(Locale.ROOT, "%.0f s", elapsed / unitsDone * unitsLeft);
        String bestText = Double.isNaN(best) ? "-" : String.format(Locale.ROOT, "%.4f (trial %d)", best, bestTrial);
        return String.format(Locale.ROOT, "[%7.1f s] %d/%d units, %d/%d epochs, %d trials open, best score %s, ETA %s",
            elapsed, unitsRecovered + unitsDone, unitsTotal, epochsDone, total, running.size(), bestText, eta);
    }

    private void print(boolean force) {
        long now = nanoClock.getAsLong();
        if (force || now - lastPrint >= intervalNanos) {
            lastPrint = now;
            out.println(line());
        }
    }
}
