package org.cerebro.optimizer.schedule;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Task parallelism: a worker takes a trial and trains it through its granted epochs itself, no
 * hops, visiting the partitions in the trial's fixed order ({@link org.cerebro.exec.VisitOrder}),
 * so a trial's results equal those under fixed-order MOP. Every worker must be able to read every
 * partition: on one machine they share the one copy in memory; on a cluster each worker needs all
 * the data. Trials wait for a worker in the order they were granted.
 *
 * <p>Not thread-safe: one scheduling thread.
 */
public final class TaskParallelScheduler implements EpochScheduler {
    private final int workers;
    private final int partitions;
    private final long seed;
    private final Deque<Integer> waiting = new ArrayDeque<>();
    private final int[] owned; // per worker: its trial, or -1
    private boolean[] known = new boolean[0];
    private int[] granted = new int[0];
    private int[] epoch = new int[0];
    private int[] visitedCount = new int[0];
    private boolean[][] visited = new boolean[0][];
    private boolean[] running = new boolean[0];
    private int[] owner = new int[0];
    private int[][] order = new int[0][];
    private long outstanding;

    /**
     * @param workers    the workers
     * @param partitions the partitions every worker can read
     * @param seed       the search seed the visit orders derive from
     */
    public TaskParallelScheduler(int workers, int partitions, long seed) {
        if (workers < 1 || partitions < 1) {
            throw new IllegalArgumentException("workers=" + workers + " partitions=" + partitions + " expected >= 1");
        }
        this.workers = workers;
        this.partitions = partitions;
        this.seed = seed;
        this.owned = new int[workers];
        Arrays.fill(owned, -1);
    }

    @Override
    public void admit(int trial, int epochsDone, List<Integer> visitedThisEpoch) {
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
        owner[trial] = -1;
    }

    @Override
    public void grant(int trial, int untilEpochs) {
        if (!knows(trial)) {
            admit(trial, 0, List.of());
        }
        if (untilEpochs <= granted[trial]) {
            return;
        }
        boolean idle = !running[trial] && epoch[trial] == granted[trial];
        outstanding += untilEpochs - granted[trial];
        granted[trial] = untilEpochs;
        if (idle) {
            order[trial] = EpochOrders.of(seed, trial, epoch[trial] + 1, partitions, visited[trial]);
            if (owner[trial] < 0) {
                waiting.add(trial);
            }
        }
    }

    @Override
    public Unit next(int worker) {
        int t = owned[worker];
        if (t < 0) {
            Integer head = waiting.poll();
            if (head == null) {
                return null;
            }
            t = head;
            owned[worker] = t;
            owner[t] = worker;
        }
        if (running[t] || epoch[t] == granted[t]) {
            return null;
        }
        running[t] = true;
        return new Unit(t, epoch[t], order[t][visitedCount[t]], worker);
    }

    @Override
    public void completed(Unit unit) {
        completeUnit(unit);
    }

    @Override
    public boolean completeUnit(Unit unit) {
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
        if (epoch[t] < granted[t]) {
            order[t] = EpochOrders.of(seed, t, epoch[t] + 1, partitions, visited[t]);
        } else {
            disown(t); // waits for the search's decision: its worker takes another trial meanwhile
        }
        return true;
    }

    @Override
    public void lost(Unit unit) {
        checkRunning(unit);
        int t = unit.trial();
        running[t] = false;
        disown(t);
        waiting.addFirst(t); // first in line: it was already under way
    }

    @Override
    public void retire(int trial) {
        if (!knows(trial)) {
            return;
        }
        if (running[trial]) {
            throw new IllegalStateException("trial=" + trial + " is running: retire it when its unit ends");
        }
        waiting.remove(trial);
        disown(trial);
        outstanding -= granted[trial] - epoch[trial];
        granted[trial] = epoch[trial];
    }

    private void disown(int t) {
        if (owner[t] >= 0) {
            owned[owner[t]] = -1;
            owner[t] = -1;
        }
    }

    private void checkRunning(Unit unit) {
        int t = unit.trial();
        if (!knows(t) || !running[t] || epoch[t] != unit.epoch() || owner[t] != unit.worker()) {
            throw new IllegalStateException("unit " + unit + " is not running");
        }
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
        int from = owner.length;
        owner = Arrays.copyOf(owner, grown);
        Arrays.fill(owner, from, grown, -1);
    }

    @Override
    public boolean isDone() {
        return outstanding == 0;
    }

    @Override
    public boolean knows(int trial) {
        return trial >= 0 && trial < known.length && known[trial];
    }

    @Override
    public int epochsDone(int trial) {
        return epoch[trial];
    }

    @Override
    public int visitedThisEpoch(int trial) {
        return visitedCount[trial];
    }

    /** The number of workers. */
    public int workers() {
        return workers;
    }
}
