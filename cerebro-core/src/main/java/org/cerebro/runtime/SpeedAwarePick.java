package org.cerebro.runtime;

import java.util.Arrays;
import org.cerebro.exec.Placement;

/**
 * Which of its candidate trials an idle worker should take when workers differ in speed:
 * earliest-finish-time list scheduling. The schedulers ({@link MopScheduler},
 * {@link TaskParallelScheduler}) report every unit that ends ({@link #ran}, which teaches
 * {@link WorkerSpeeds}) and every unit they hand out ({@link #started}); once the fastest and
 * slowest workers differ by more than {@value #HETEROGENEOUS}x ({@link #engaged}), a deciding
 * worker goes through its candidates lowest priority first, the longest first within a priority
 * (then the lower trial id), at most {@value #CONSIDERED} of them, and leaves each to the busy
 * faster worker that would finish it first once free, if that is sooner than here by more than a
 * tenth of one of its units (that worker's time grows by it); it takes the first one no faster
 * worker would finish sooner. When every candidate is better left to others, it takes the last one
 * it went through if work is plentiful (idling would only lose capacity), and stays idle otherwise
 * (the narrow tail, where a long trial on a slow worker would set the makespan).
 *
 * <p>A candidate counts for as many units as taking it commits the worker to, which its scheduler
 * says: the rest of its epoch under task parallelism; under MOP, where every worker holds every
 * partition and fewer trials wait than there are workers, the rest of its epoch too (a trial's
 * next unit is ready when its last ends, on the worker that ran it, so it stays there), and one
 * unit otherwise. Comparing a single unit in that case kept a long trial on a worker slightly
 * slower than the fastest, which is seldom free at the moment the unit is ready: a few percent lost
 * on every one of its units, on the makespan when it is the longest. A deciding worker compares
 * itself only with busy workers, so when several are idle the kernel asks the fastest first
 * ({@link #fastestFirst}): asked first, a slow worker would take the unit it had left for a fast
 * one that is now idle too. A long trial thus stays on the fast workers.
 *
 * <p>Not thread-safe: the kernel's thread.
 */
final class SpeedAwarePick {
    /** Speeds above this ratio (fastest over slowest) make decisions speed-aware. */
    static final double HETEROGENEOUS = 1.5;
    /** A busy worker counts as faster only if its pace is this share below the deciding worker's, or more. */
    private static final double FASTER = 0.03;
    /** A candidate is left to a faster worker only if that finishes it sooner by this share of one of its units here. */
    private static final double MARGIN = 0.1;
    /** The candidates a decision goes through, in order: at most this many. */
    static final int CONSIDERED = 16;

    private final WorkerSpeeds speeds;
    /** Per worker: the trial it trains, or -1 when idle. */
    private final int[] runs;
    /** Per worker: when it should be free (seconds on the transport's clock). */
    private final double[] freeAt;
    private double now;
    /** The first {@link #CONSIDERED} candidates of a decision, in order (reused). */
    private final double[] topPriority = new double[CONSIDERED];
    private final double[] topWork = new double[CONSIDERED];
    private final int[] topTrial = new int[CONSIDERED];
    private final int[] topPartition = new int[CONSIDERED];
    private final int[] topUnits = new int[CONSIDERED];
    private int top;
    private int considered;
    /** Whether the speeds differ by more than {@link #HETEROGENEOUS}: changes only when a unit ends. */
    private boolean engaged;
    private final int[] fasterWorkers;
    private final double[] available;

    SpeedAwarePick(int workers) {
        this.speeds = new WorkerSpeeds(workers);
        this.runs = new int[workers];
        Arrays.fill(runs, -1);
        this.freeAt = new double[workers];
        this.fasterWorkers = new int[workers];
        this.available = new double[workers];
    }

    /** Whether the workers' speeds differ enough for decisions to follow them. */
    boolean engaged() {
        return engaged;
    }

    /** A unit ended after {@code seconds} (NaN when it failed) when the clock read {@code nowSeconds}. */
    void ran(Unit unit, double seconds, double nowSeconds) {
        now = Math.max(now, nowSeconds);
        if (runs[unit.worker()] == unit.trial()) {
            runs[unit.worker()] = -1;
        }
        speeds.ran(unit.worker(), unit.trial(), seconds);
        engaged = speeds.differBy(HETEROGENEOUS);
    }

    /** {@code worker} starts training {@code trial} for {@code units} more units before it is free. */
    void started(int worker, int trial, int units) {
        runs[worker] = trial;
        freeAt[worker] = now + units * speeds.seconds(trial, worker);
    }

    /**
     * Orders the first {@code count} of {@code workers} fastest first once speeds are engaged
     * (insertion sort, stable: equal paces keep their order); leaves them as given otherwise.
     */
    void fastestFirst(int[] workers, int count) {
        if (!engaged) {
            return;
        }
        for (int i = 1; i < count; i++) {
            int w = workers[i];
            double pace = speeds.pace(w);
            int j = i;
            for (; j > 0 && speeds.pace(workers[j - 1]) > pace; j--) {
                workers[j] = workers[j - 1];
            }
            workers[j] = w;
        }
    }

    /** {@code worker} was lost with its unit. */
    void lost(int worker) {
        runs[worker] = -1;
    }

    /** Starts a decision: no candidates yet. */
    void clear() {
        top = 0;
        considered = 0;
    }

    /**
     * Candidate {@code trial} (over {@code partition}, or -1 when any will do) at {@code priority};
     * taking it keeps the worker busy for {@code units} of its units.
     */
    void consider(int trial, int partition, double priority, int units) {
        considered++;
        double work = speeds.logWork(trial);
        if (top == CONSIDERED && !before(priority, work, trial, top - 1)) {
            return;
        }
        int i = Math.min(top, CONSIDERED - 1);
        for (; i > 0 && before(priority, work, trial, i - 1); i--) {
            topPriority[i] = topPriority[i - 1];
            topWork[i] = topWork[i - 1];
            topTrial[i] = topTrial[i - 1];
            topPartition[i] = topPartition[i - 1];
            topUnits[i] = topUnits[i - 1];
        }
        topPriority[i] = priority;
        topWork[i] = work;
        topTrial[i] = trial;
        topPartition[i] = partition;
        topUnits[i] = units;
        top = Math.min(top + 1, CONSIDERED);
    }

    /** Lower priority first, then more work, then the lower trial id. */
    private boolean before(double priority, double work, int trial, int slot) {
        return priority != topPriority[slot] ? priority < topPriority[slot]
            : work != topWork[slot] ? work > topWork[slot] : trial < topTrial[slot];
    }

    /**
     * The candidate {@code worker} takes (its slot for {@link #trial} and {@link #partition}), or -1
     * to stay idle.
     *
     * @param placement where the partitions live, or null when every worker holds every one
     */
    int choose(int worker, Placement placement) {
        if (top == 0) {
            return -1;
        }
        // the busy workers that could finish a candidate clearly sooner than this one: faster ones
        double pace = speeds.pace(worker);
        int faster = 0;
        for (int f = 0; f < runs.length; f++) {
            if (runs[f] >= 0 && f != worker && speeds.pace(f) < pace * (1 - FASTER)) {
                fasterWorkers[faster] = f;
                available[faster++] = Math.max(now, freeAt[f]);
            }
        }
        if (faster == 0) {
            return 0;
        }
        for (int c = 0; c < top; c++) {
            double work = topUnits[c] * Math.exp(topWork[c]);
            double finish = now + (work - MARGIN * Math.exp(topWork[c])) * pace;
            int best = -1;
            for (int i = 0; i < faster; i++) {
                int f = fasterWorkers[i];
                if (placement == null || topPartition[c] < 0 || placement.holds(f, topPartition[c])) {
                    double there = available[i] + work * speeds.pace(f);
                    if (there < finish) {
                        finish = there;
                        best = i;
                    }
                }
            }
            if (best < 0) {
                return c;
            }
            available[best] = finish;
        }
        return considered >= runs.length ? top - 1 : -1; // plentiful: take the last; the tail: wait
    }

    /** The trial in slot {@code slot} of this decision. */
    int trial(int slot) {
        return topTrial[slot];
    }

    /** The units slot {@code slot} of this decision counted for. */
    int units(int slot) {
        return topUnits[slot];
    }

    /** The partition in slot {@code slot} of this decision, or -1 when any will do. */
    int partition(int slot) {
        return topPartition[slot];
    }
}
