package org.cerebro.optimizer.schedule;

import java.util.Arrays;
import java.util.List;

/**
 * Where each trial stands, for the epoch schedulers: admitted or not, epochs granted and done,
 * the partitions visited in its current epoch, whether a unit of it is running, and its visit
 * order for the epoch. Also the granted epochs still outstanding over all trials. Storage grows
 * as trial ids appear ({@link #capacity()} tells a scheduler to grow its own per-trial arrays).
 *
 * <p>Not thread-safe: the scheduler's thread.
 */
final class TrialEpochs {
    private final int partitions;
    private final long seed;
    private boolean[] known = new boolean[0];
    private int[] granted = new int[0];   // epochs the trial may complete
    private int[] epoch = new int[0];     // epochs completed
    private int[] visitedCount = new int[0];
    private boolean[][] visited = new boolean[0][];
    private boolean[] running = new boolean[0];
    private int[][] order = new int[0][]; // this epoch's fixed order, visited partitions first
    private long outstanding;

    TrialEpochs(int partitions, long seed) {
        this.partitions = partitions;
        this.seed = seed;
    }

    int capacity() {
        return known.length;
    }

    void admit(int trial, int epochsDone, List<Integer> visitedThisEpoch) {
        if (trial < 0 || epochsDone < 0) {
            throw new IllegalArgumentException("trial=" + trial + " epochsDone=" + epochsDone + " expected >= 0");
        }
        ensureCapacity(trial + 1);
        if (known[trial]) {
            throw new IllegalStateException("trial=" + trial + " is already admitted");
        }
        known[trial] = true;
        epoch[trial] = epochsDone;
        granted[trial] = epochsDone;
        visited[trial] = EpochOrders.visited(trial, visitedThisEpoch, partitions);
        visitedCount[trial] = visitedThisEpoch.size();
    }

    /**
     * Grants epochs up to {@code untilEpochs} (admitting a new trial with none done).
     *
     * @return whether the trial was idle between epochs and now has one to start: the caller
     *         makes it eligible (its new epoch's order is ready)
     */
    boolean grant(int trial, int untilEpochs) {
        if (!knows(trial)) {
            admit(trial, 0, List.of());
        }
        if (untilEpochs <= granted[trial]) {
            return false;
        }
        boolean waiting = !running[trial] && epoch[trial] == granted[trial];
        outstanding += untilEpochs - granted[trial];
        granted[trial] = untilEpochs;
        if (waiting) {
            newOrder(trial);
        }
        return waiting;
    }

    private void newOrder(int t) {
        order[t] = EpochOrders.of(seed, t, epoch[t] + 1, partitions, visited[t]);
    }

    /**
     * Records {@code unit} as finished.
     *
     * @return whether it completed its trial's epoch (the next epoch's order, if granted, is ready)
     */
    boolean complete(Unit unit) {
        int t = unit.trial();
        checkRunning(unit);
        running[t] = false;
        visited[t][unit.partition()] = true;
        if (++visitedCount[t] < partitions) {
            return false;
        }
        visitedCount[t] = 0;
        Arrays.fill(visited[t], false);
        epoch[t]++;
        outstanding--;
        if (hasGrantedEpochLeft(t)) {
            newOrder(t);
        }
        return true;
    }

    /** The unit did not finish: the trial is idle again, the partition not visited. */
    void lose(Unit unit) {
        checkRunning(unit);
        running[unit.trial()] = false;
    }

    /** Drops the trial's granted epochs; it must not be running. */
    void retire(int trial) {
        if (running[trial]) {
            throw new IllegalStateException("trial=" + trial + " is running: retire it when its unit ends");
        }
        outstanding -= granted[trial] - epoch[trial];
        granted[trial] = epoch[trial];
    }

    void start(int trial) {
        running[trial] = true;
    }

    void checkRunning(Unit unit) {
        int t = unit.trial();
        if (!knows(t) || !running[t] || epoch[t] != unit.epoch()) {
            throw new IllegalStateException("unit " + unit + " is not running");
        }
    }

    boolean knows(int trial) {
        return trial >= 0 && trial < known.length && known[trial];
    }

    boolean running(int trial) {
        return running[trial];
    }

    boolean hasGrantedEpochLeft(int trial) {
        return epoch[trial] < granted[trial];
    }

    int epochsDone(int trial) {
        return epoch[trial];
    }

    int visitedThisEpoch(int trial) {
        return visitedCount[trial];
    }

    boolean visited(int trial, int partition) {
        return visited[trial][partition];
    }

    /** The partition the trial visits next in its fixed order. */
    int nextInOrder(int trial) {
        return order[trial][visitedCount[trial]];
    }

    boolean isDone() {
        return outstanding == 0;
    }

    private void ensureCapacity(int n) {
        if (n <= known.length) {
            return;
        }
        int grown = Math.max(n, 2 * known.length);
        known = Arrays.copyOf(known, grown);
        granted = Arrays.copyOf(granted, grown);
        epoch = Arrays.copyOf(epoch, grown);
        visitedCount = Arrays.copyOf(visitedCount, grown);
        visited = Arrays.copyOf(visited, grown);
        running = Arrays.copyOf(running, grown);
        order = Arrays.copyOf(order, grown);
    }
}
