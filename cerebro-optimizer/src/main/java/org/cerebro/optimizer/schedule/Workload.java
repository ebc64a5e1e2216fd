package org.cerebro.optimizer.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The trials of a stage: for each, the seconds one epoch over all the data takes on a worker of
 * speed 1, the epochs to run, and the seconds a hop of its state takes. Immutable.
 *
 * @param trials the trials, indexed from 0
 */
public record Workload(List<Trial> trials) {
    /**
     * One trial's work.
     *
     * @param epochSeconds seconds per epoch over all partitions on a speed-1 worker
     * @param epochs       epochs to run in this stage
     * @param hopSeconds   seconds to move its state to another worker
     */
    public record Trial(double epochSeconds, int epochs, double hopSeconds) {
        /** Validates the numbers. */
        public Trial {
            if (!(epochSeconds > 0) || epochs < 1 || hopSeconds < 0) {
                throw new IllegalArgumentException("epochSeconds=" + epochSeconds + " epochs=" + epochs + " hopSeconds="
                    + hopSeconds + " expected epochSeconds>0, epochs>=1, hopSeconds>=0");
            }
        }

        /** Seconds of training this trial needs on a speed-1 worker. */
        public double work() {
            return epochSeconds * epochs;
        }
    }

    /** Copies the list; at least one trial. */
    public Workload {
        trials = List.copyOf(trials);
        if (trials.isEmpty()) {
            throw new IllegalArgumentException("workload has no trials");
        }
    }

    /** {@code n} identical trials. */
    public static Workload homogeneous(int n, double epochSeconds, int epochs, double hopSeconds) {
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            trials.add(new Trial(epochSeconds, epochs, hopSeconds));
        }
        return new Workload(trials);
    }

    /**
     * {@code n} trials whose cost per epoch is drawn log-uniformly from 360 to 21,000 MFLOPs per
     * sample (the spread of the VLDB paper's model zoo), as seconds at {@code secondsPerGflop}.
     */
    public static Workload heterogeneous(int n, int epochs, double secondsPerGflop, double hopFraction, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double mflops = Math.pow(10, random.nextDouble(Math.log10(360), Math.log10(21_000)));
            double epochSeconds = mflops / 1000 * secondsPerGflop;
            trials.add(new Trial(epochSeconds, epochs, epochSeconds * hopFraction));
        }
        return new Workload(trials);
    }

    /** Number of trials. */
    public int size() {
        return trials.size();
    }

    /** Seconds of training all trials need on a speed-1 worker. */
    public double totalWork() {
        return trials.stream().mapToDouble(Trial::work).sum();
    }
}
