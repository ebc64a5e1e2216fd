package org.cerebro.runtime;

import java.util.Arrays;

/**
 * How fast each worker runs relative to the others, learned while the search runs from nothing
 * but unit durations: a unit of trial {@code t} on worker {@code w} is modelled as taking
 * {@code work(t) / speed(w)} seconds, and each unit moves both logarithms a step towards what was
 * measured (online least squares in log space). Units of one trial on different workers are what
 * tell the speeds apart, so nothing has to be declared or profiled, and a worker that slows down
 * mid-run (a shared machine, a throttled container) is followed. Speeds and works are known up to
 * one common factor, which cancels in every prediction ({@link #seconds}).
 *
 * <p>Not thread-safe: the kernel's thread.
 */
final class WorkerSpeeds {
    /** Step size of each update in log space: about the last ten units weigh in. */
    private static final double RATE = 0.1;
    /** Units a worker must have run before its speed counts. */
    private static final int SEEN = 3;

    private final double[] logSpeed;
    private final int[] units;
    private double[] logWork = new double[16];
    private boolean[] knownWork = new boolean[16];
    private double workSum;
    private int worksKnown;

    WorkerSpeeds(int workers) {
        this.logSpeed = new double[workers];
        this.units = new int[workers];
    }

    /** Trial {@code trial}'s unit took {@code seconds} on {@code worker}; ignored unless positive and finite. */
    void ran(int worker, int trial, double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            return;
        }
        if (trial >= logWork.length) {
            int capacity = Math.max(trial + 1, 2 * logWork.length);
            logWork = Arrays.copyOf(logWork, capacity);
            knownWork = Arrays.copyOf(knownWork, capacity);
        }
        double measured = Math.log(seconds);
        units[worker]++;
        if (!knownWork[trial]) {
            knownWork[trial] = true;
            logWork[trial] = measured + logSpeed[worker];
            workSum += logWork[trial];
            worksKnown++;
            return;
        }
        double error = measured - (logWork[trial] - logSpeed[worker]); // > 0: slower than predicted
        logSpeed[worker] -= RATE * error;
        workSum -= logWork[trial];
        logWork[trial] += RATE * error;
        workSum += logWork[trial];
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
        return trial < knownWork.length && knownWork[trial] ? logWork[trial]
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
