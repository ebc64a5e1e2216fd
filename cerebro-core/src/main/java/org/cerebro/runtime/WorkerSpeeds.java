package org.cerebro.runtime;

import java.util.Arrays;
import org.agrona.collections.Int2IntHashMap;

/**
 * How fast each worker runs relative to the others, learned while the search runs from nothing
 * but unit durations: a unit of trial {@code t} on worker {@code w} is modelled as taking
 * {@code work(t) / speed(w)} seconds. Units of one trial on different workers are what tell the
 * speeds apart, so nothing has to be declared or profiled.
 *
 * <p>The fit is least squares in log space over (worker, trial) pairs, each pair weighing once
 * whatever the number of its units: a pair keeps a running mean of its units' log times (recent
 * units weigh more, so a worker that slows mid-run, as on a shared machine or a throttled
 * container, is followed), and the logarithms of speeds and works are the additive model's
 * solution, refined where a unit lands and swept in full every few units. Weighing pairs, not
 * units, matters under a speed-aware schedule: a long trial kept on one fast worker runs many
 * units there, and weighed by units that one pair would decide both the trial's work and the
 * worker's speed (any split of its time between them fits it alike), so a first unit on a slow
 * worker, before speeds were known, would leave the fast worker looking faster still and the
 * trial longer. Speeds and works are known up to one common factor, which cancels in every
 * prediction ({@link #seconds}).
 *
 * <p>Not thread-safe: the kernel's thread.
 */
final class WorkerSpeeds {
    /** How far a pair's mean moves towards each new unit (at least; 1/n for its first units). */
    private static final double RECENT = 0.5;
    /** Units a worker must have run before its speed counts. */
    private static final int SEEN = 3;
    /** Pairs a worker keeps: past this, a new one replaces its oldest (memory stays bounded in a long search). */
    static final int PAIRS_KEPT = 256;

    private final double[] logSpeed;
    private final int[] units;
    /** Per worker: trial id to its pair's slot. */
    private final Int2IntHashMap[] slotOf;
    /** Per worker, per slot: the trial, the mean log time of its units here, and their count. */
    private final int[][] pairTrial;
    private final double[][] pairMean;
    private final int[][] pairUnits;
    private final int[] pairs;
    /** Per worker: the slot its next pair replaces once it keeps {@link #PAIRS_KEPT}. */
    private final int[] oldest;
    /** Per worker: the sum over its pairs of the trial's log work minus the pair's mean log time. */
    private final double[] sumDiff;
    private double[] logWork = new double[16];
    /** Per trial: the workers it ran on and its pair's slot on each. */
    private int[][] workersOf = new int[16][];
    private int[][] slotsOn = new int[16][];
    private int[] workersCount = new int[16];
    private double workSum;
    private int worksKnown;
    /** Units to go before the next full sweep. */
    private int untilSweep = 8;

    WorkerSpeeds(int workers) {
        this.logSpeed = new double[workers];
        this.units = new int[workers];
        this.slotOf = new Int2IntHashMap[workers];
        this.pairTrial = new int[workers][4];
        this.pairMean = new double[workers][4];
        this.pairUnits = new int[workers][4];
        this.pairs = new int[workers];
        this.oldest = new int[workers];
        this.sumDiff = new double[workers];
        for (int w = 0; w < workers; w++) {
            slotOf[w] = new Int2IntHashMap(-1);
        }
    }

    /** Trial {@code trial}'s unit took {@code seconds} on {@code worker}; ignored unless positive and finite. */
    void ran(int worker, int trial, double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            return;
        }
        double measured = Math.log(seconds);
        units[worker]++;
        if (trial >= logWork.length) {
            int capacity = Math.max(trial + 1, 2 * logWork.length);
            logWork = Arrays.copyOf(logWork, capacity);
            workersOf = Arrays.copyOf(workersOf, capacity);
            slotsOn = Arrays.copyOf(slotsOn, capacity);
            workersCount = Arrays.copyOf(workersCount, capacity);
        }
        int slot = slotOf[worker].get(trial);
        if (slot < 0) {
            if (workersCount[trial] == 0) { // its first unit anywhere
                logWork[trial] = measured + logSpeed[worker];
                workSum += logWork[trial];
                worksKnown++;
            }
            addPair(worker, trial, measured);
        } else {
            int n = ++pairUnits[worker][slot];
            double step = Math.max(1.0 / n, RECENT) * (measured - pairMean[worker][slot]);
            pairMean[worker][slot] += step;
            sumDiff[worker] -= step;
        }
        fitWork(trial);
        fitSpeed(worker);
        fitWork(trial);
        if (--untilSweep == 0) {
            sweep();
            untilSweep = Math.max(8, worksKnown); // a sweep reads every pair: O(workers) a unit
        }
    }

    private void addPair(int worker, int trial, double measured) {
        int slot;
        if (pairs[worker] == PAIRS_KEPT) {
            slot = oldest[worker];
            oldest[worker] = (slot + 1) % PAIRS_KEPT;
            dropPair(worker, slot);
        } else {
            slot = pairs[worker]++;
        }
        if (slot == pairTrial[worker].length) {
            pairTrial[worker] = Arrays.copyOf(pairTrial[worker], 2 * slot);
            pairMean[worker] = Arrays.copyOf(pairMean[worker], 2 * slot);
            pairUnits[worker] = Arrays.copyOf(pairUnits[worker], 2 * slot);
        }
        pairTrial[worker][slot] = trial;
        pairMean[worker][slot] = measured;
        pairUnits[worker][slot] = 1;
        sumDiff[worker] += logWork[trial] - measured;
        slotOf[worker].put(trial, slot);
        int n = workersCount[trial]++;
        if (n == 0) {
            workersOf[trial] = new int[2];
            slotsOn[trial] = new int[2];
        } else if (n == workersOf[trial].length) {
            workersOf[trial] = Arrays.copyOf(workersOf[trial], 2 * n);
            slotsOn[trial] = Arrays.copyOf(slotsOn[trial], 2 * n);
        }
        workersOf[trial][n] = worker;
        slotsOn[trial][n] = slot;
    }

    /** Forgets the pair in {@code worker}'s {@code slot}; a trial left with none is no longer known. */
    private void dropPair(int worker, int slot) {
        int trial = pairTrial[worker][slot];
        sumDiff[worker] -= logWork[trial] - pairMean[worker][slot];
        slotOf[worker].remove(trial);
        int last = --workersCount[trial];
        for (int i = 0; i <= last; i++) {
            if (workersOf[trial][i] == worker) {
                workersOf[trial][i] = workersOf[trial][last];
                slotsOn[trial][i] = slotsOn[trial][last];
                break;
            }
        }
        if (last == 0) {
            workSum -= logWork[trial];
            worksKnown--;
        } else {
            fitWork(trial);
        }
    }

    /** A trial's log work: the mean over its pairs of log time plus the worker's log speed. */
    private void fitWork(int trial) {
        double sum = 0;
        for (int i = 0; i < workersCount[trial]; i++) {
            int w = workersOf[trial][i];
            sum += pairMean[w][slotsOn[trial][i]] + logSpeed[w];
        }
        double change = sum / workersCount[trial] - logWork[trial];
        logWork[trial] += change;
        workSum += change;
        for (int i = 0; i < workersCount[trial]; i++) {
            sumDiff[workersOf[trial][i]] += change;
        }
    }

    /** A worker's log speed: the mean over its pairs of the trial's log work minus log time. */
    private void fitSpeed(int worker) {
        if (pairs[worker] > 0) {
            logSpeed[worker] = sumDiff[worker] / pairs[worker];
        }
    }

    /**
     * Every speed, then every work, fitted again (a Gauss-Seidel sweep of the least squares), the
     * sums counted afresh (no rounding drift).
     */
    private void sweep() {
        for (int w = 0; w < logSpeed.length; w++) {
            double sum = 0;
            for (int s = 0; s < pairs[w]; s++) {
                sum += logWork[pairTrial[w][s]] - pairMean[w][s];
            }
            sumDiff[w] = sum;
            fitSpeed(w);
        }
        for (int t = 0; t < logWork.length; t++) {
            if (workersCount[t] > 0) {
                fitWork(t);
            }
        }
        workSum = 0;
        for (int t = 0; t < logWork.length; t++) {
            workSum += workersCount[t] > 0 ? logWork[t] : 0;
        }
    }

    /**
     * The predicted seconds of a unit of {@code trial} on {@code worker}; a trial not seen yet
     * counts as the geometric mean of those seen. NaN when nothing has been seen.
     */
    double seconds(int trial, int worker) {
        return Math.exp(logWork(trial) - logSpeed[worker]);
    }

    /** The logarithm of a trial's work (the geometric mean of those seen for one not seen yet; NaN if none). */
    double logWork(int trial) {
        return trial < logWork.length && workersCount[trial] > 0 ? logWork[trial]
            : worksKnown > 0 ? workSum / worksKnown : Double.NaN;
    }

    /** Seconds per unit of work on {@code worker}: {@code seconds(t, w) = exp(logWork(t)) * pace(w)}. */
    double pace(int worker) {
        return Math.exp(-logSpeed[worker]);
    }

    /** A worker's speed relative to the others' (1 until it has run a few units). */
    double speed(int worker) {
        return units[worker] < SEEN ? 1 : Math.exp(logSpeed[worker] - meanLogSpeed());
    }

    /**
     * Whether the workers that have run a few units differ in speed by more than {@code ratio}
     * (fastest over slowest).
     */
    boolean differBy(double ratio) {
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        for (int w = 0; w < logSpeed.length; w++) {
            if (units[w] >= SEEN) {
                lowest = Math.min(lowest, logSpeed[w]);
                highest = Math.max(highest, logSpeed[w]);
            }
        }
        return highest - lowest > Math.log(ratio);
    }

    /** The (worker, trial) pairs {@code worker} keeps: at most {@link #PAIRS_KEPT}. */
    int pairsKept(int worker) {
        return pairs[worker];
    }

    private double meanLogSpeed() {
        double sum = 0;
        int counted = 0;
        for (int w = 0; w < logSpeed.length; w++) {
            if (units[w] >= SEEN) {
                sum += logSpeed[w];
                counted++;
            }
        }
        return counted == 0 ? 0 : sum / counted;
    }
}
