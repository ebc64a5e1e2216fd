package org.cerebro.report;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.cerebro.SearchListener;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.TrialStatus;
import org.cerebro.train.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress for people watching a search: units and epochs done out of the planned totals, trials
 * running, the best score so far, elapsed time and an estimate of the time left (from this run's
 * unit rate), and at the end one line saying how it ended. Two sinks:
 * {@link #console(PrintStream)} prints at most once a second (an interactive terminal);
 * {@link #log()} writes to SLF4J at INFO at most every 10 seconds, and nothing at all for a search
 * that ends within its first 10 seconds, so unit tests stay quiet while a search under nohup, in
 * CI or in an IDE still shows it is alive. {@code SearchBuilder} picks the console when the JVM
 * has one and the log otherwise; {@code progress(false)} turns both off.
 *
 * <p>Called on the driver thread only.
 */
public final class Progress implements SearchListener {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private final Consumer<String> sink;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private final boolean quietStart;
    private final Set<Integer> running = new HashSet<>();
    private long start;
    private long lastPrint;
    private boolean printed;
    private long planned;
    private long epochsDone;
    private long unitsDone;
    private long lastDataParallelEpoch = -1;
    private long unitsRecovered;
    private int partitions = 1;
    private double best = Double.NaN;
    private int bestTrial = -1;

    /** @param quietStart whether nothing is written before the first interval has passed */
    public Progress(Consumer<String> sink, LongSupplier nanoClock, long intervalNanos, boolean quietStart) {
        this.sink = sink;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
        this.quietStart = quietStart;
    }

    /** A line on {@code out} at most once a second. */
    public static Progress console(PrintStream out) {
        return new Progress(out::println, System::nanoTime, 1_000_000_000L, false);
    }

    /** SLF4J INFO lines at most every 10 seconds, none for a search that ends within 10 seconds. */
    public static Progress log() {
        return new Progress(LOG::info, System::nanoTime, 10_000_000_000L, true);
    }

    @Override
    public void searchStarted(String summary, long plannedEpochs) {
        start = nanoClock.getAsLong();
        lastPrint = quietStart ? start : start - intervalNanos;
        planned = plannedEpochs;
    }

    @Override
    public void searchResumed(int epochsRecovered, long unitsRecovered) {
        this.unitsRecovered = unitsRecovered;
        write("resuming: " + epochsRecovered + " epochs and " + unitsRecovered + " units recovered");
    }

    @Override
    public void unitDone(org.cerebro.exec.UnitRecord unit, int partitions) {
        this.partitions = partitions;
        if (unit.dataParallel()) {
            // a data-parallel epoch has a record per worker: its first counts for all its partitions
            long epoch = ((long) unit.trialId() << 32) | unit.epoch();
            if (epoch == lastDataParallelEpoch) {
                return;
            }
            lastDataParallelEpoch = epoch;
            unitsDone += partitions;
        } else {
            unitsDone++;
        }
        maybePrint();
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

    /** The closing line: how the search ended, with its totals and its best trial. */
    @Override
    public void searchFinished(SearchResult result) {
        double elapsed = (nanoClock.getAsLong() - start) / 1e9;
        if (quietStart && !printed && nanoClock.getAsLong() - start < intervalNanos) {
            return;
        }
        long completed = count(result, TrialStatus.COMPLETED);
        long stopped = count(result, TrialStatus.STOPPED);
        long cancelled = count(result, TrialStatus.CANCELLED);
        String bestText = result.best().map(t -> String.format(Locale.ROOT, "; best %s %s (trial %d)",
            result.objective().metric(), Format.number(result.objective().metricOf(t.finalScore())), t.trialId()))
            .orElse("; no trial completed an epoch");
        write(String.format(Locale.ROOT, "[%7.1f s] %s: %d trials (%d completed, %d stopped early, %d failed%s), %d"
                + " epochs, %d units%s%s", elapsed, cancelled > 0 ? "cancelled" : "finished", result.trials().size(),
            completed, stopped, result.failures().size(), cancelled > 0 ? ", " + cancelled + " cancelled" : "",
            result.epochsCompleted(), result.unitsRun(), result.unitsRecovered() > 0 ? " (+" + result.unitsRecovered()
                + " recovered)" : "", bestText));
    }

    private static long count(SearchResult result, TrialStatus status) {
        return result.trials().stream().map(TrialResult::status).filter(s -> s == status).count();
    }

    /** The progress line as it would print now. */
    String line() {
        double elapsed = (nanoClock.getAsLong() - start) / 1e9;
        long total = Math.max(planned, epochsDone);
        long unitsTotal = Math.max(total * partitions, unitsRecovered + unitsDone);
        long unitsLeft = unitsTotal - unitsRecovered - unitsDone;
        String eta = unitsDone == 0 || unitsLeft <= 0 ? "-"
            : Format.seconds(elapsed / unitsDone * unitsLeft) + (planned > epochsDone ? "" : "+");
        String bestText = Double.isNaN(best) ? "-" : Format.number(best) + " (trial " + bestTrial + ")";
        return String.format(Locale.ROOT, "[%7.1f s] %d/%d units, %d/%d epochs, %d trials running, best score %s, ETA %s",
            elapsed, unitsRecovered + unitsDone, unitsTotal, epochsDone, total, running.size(), bestText, eta);
    }

    private void maybePrint() {
        long now = nanoClock.getAsLong();
        if (now - lastPrint >= intervalNanos) {
            lastPrint = now;
            write(line());
        }
    }

    private void write(String text) {
        printed = true;
        sink.accept(text);
    }
}
