package org.cerebro.optimizer.schedule;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The workers of a (synthetic or real) cluster by relative speed: a worker of speed 2 runs a unit
 * in half the time. Immutable.
 */
public final class Cluster {
    private final double[] speeds;

    private Cluster(double[] speeds) {
        for (double s : speeds) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("worker speed=" + s + " expected > 0");
            }
        }
        if (speeds.length == 0) {
            throw new IllegalArgumentException("a cluster needs at least one worker");
        }
        this.speeds = speeds.clone();
    }

    /** {@code p} workers of speed 1. */
    public static Cluster homogeneous(int p) {
        double[] speeds = new double[p];
        Arrays.fill(speeds, 1.0);
        return new Cluster(speeds);
    }

    /** {@code p} workers with speeds drawn uniformly from [0.5, 1.5]. */
    public static Cluster heterogeneous(int p, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] speeds = new double[p];
        for (int w = 0; w < p; w++) {
            speeds[w] = random.nextDouble(0.5, 1.5);
        }
        return new Cluster(speeds);
    }

    /** Workers with these speeds. */
    public static Cluster of(double... speeds) {
        return new Cluster(speeds);
    }

    /** Number of workers. */
    public int size() {
        return speeds.length;
    }

    /** Speed of worker {@code w}. */
    public double speed(int w) {
        return speeds[w];
    }

    /** Sum of the speeds. */
    public double totalSpeed() {
        return Arrays.stream(speeds).sum();
    }

    /** The fastest worker's speed. */
    public double maxSpeed() {
        return Arrays.stream(speeds).max().orElseThrow();
    }

    /**
     * Data shares proportional to the workers' speeds, for one partition per worker: then a unit
     * takes the same time on every worker.
     */
    public double[] proportionalShares() {
        double total = totalSpeed();
        double[] shares = new double[speeds.length];
        for (int w = 0; w < speeds.length; w++) {
            shares[w] = speeds[w] / total;
        }
        return shares;
    }

    /**
     * The lower bound for MOP with one partition per worker holding {@code shares} of the data:
     * worker {@code w} must process its share of every trial ({@code total work * share_w / speed_w}),
     * and a trial's units run one after another over every worker
     * ({@code work_t * sum_w share_w / speed_w}). Above {@link #lowerBound} when speeds differ: a
     * trial cannot stay on the fastest worker.
     */
    public double mopLowerBound(Workload workload, double[] shares) {
        if (shares.length != speeds.length) {
            throw new IllegalArgumentException("shares=" + shares.length + " expected one per worker=" + speeds.length);
        }
        double heaviest = 0;
        double chain = 0;
        for (int w = 0; w < speeds.length; w++) {
            heaviest = Math.max(heaviest, shares[w] / speeds[w]);
            chain += shares[w] / speeds[w];
        }
        double longest = workload.trials().stream().mapToDouble(Workload.Trial::work).max().orElseThrow();
        return Math.max(workload.totalWork() * heaviest, longest * chain);
    }

    /**
     * The lower bound on any schedule's makespan: {@code max(total work / total speed,
     * longest trial / fastest speed)}; for identical workers, {@code max(total work / p, longest trial)}.
     */
    public double lowerBound(Workload workload) {
        double longest = workload.trials().stream().mapToDouble(Workload.Trial::work).max().orElseThrow();
        return Math.max(workload.totalWork() / totalSpeed(), longest / maxSpeed());
    }
}
