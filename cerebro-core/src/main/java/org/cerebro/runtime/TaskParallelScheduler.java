package org.cerebro.runtime;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.cerebro.runtime.TrialTable.Trial;

/**
 * Task parallelism: a worker takes a trial and trains it through its epoch itself, no hops,
 * visiting the partitions in the trial's fixed order, so a trial's results equal those under
 * fixed-order MOP. Every worker must be able to read every partition: on one machine they share
 * the one copy in memory; on a cluster each worker needs all the data. A free worker takes the
 * waiting trial of the lowest priority (the search's predicted finish: the outcome it needs next),
 * the one queued first among equals; a trial whose epoch ended leaves its worker, which takes the
 * next. Once the workers' speeds, learned from the units they run, differ by more than 1.5x, a
 * free worker takes the trial that earliest-finish-time list scheduling gives it instead
 * ({@link SpeedAwarePick}: the longest first, each left to a busy faster worker that would finish
 * its epoch clearly sooner), so the longest trials train on the fastest workers, as in LPT.
 *
 * <p>Not thread-safe: one scheduling thread.
 */
public final class TaskParallelScheduler implements UnitScheduler {
    private final TrialTable table;
    private final Deque<Integer> waiting = new ArrayDeque<>();
    private final int[] owned; // per worker: its trial, or -1
    private int[] owner = new int[0];
    private boolean[] queued = new boolean[0];
    private final SpeedAwarePick pick;

    /**
     * @param table   where trials stand
     * @param workers the workers
     */
    public TaskParallelScheduler(TrialTable table, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers=" + workers + " expected >= 1");
        }
        this.table = table;
        this.owned = new int[workers];
        Arrays.fill(owned, -1);
        this.pick = new SpeedAwarePick(workers);
    }

    private void grow() {
        int from = owner.length;
        if (from < table.idCapacity()) {
            owner = Arrays.copyOf(owner, table.idCapacity());
            Arrays.fill(owner, from, owner.length, -1);
            queued = Arrays.copyOf(queued, table.idCapacity());
        }
    }

    @Override
    public void offer(Trial trial) {
        grow();
        int t = trial.id();
        queued[t] = true;
        if (owner[t] < 0 && !waiting.contains(t)) {
            waiting.add(t);
        }
    }

    @Override
    public void withdraw(Trial trial) {
        grow();
        int t = trial.id();
        queued[t] = false;
        waiting.remove(t);
        disown(t);
    }

    @Override
    public Unit next(int worker) {
        int t = owned[worker];
        if (t < 0) {
            Integer head = pick.engaged() ? fastestFinish(worker) : lowestPriority();
            if (head == null) {
                return null;
            }
            waiting.remove(head);
            t = head;
            owned[worker] = t;
            owner[t] = worker;
        }
        if (!queued[t]) {
            return null; // its unit runs, or it waits for the search's decision
        }
        queued[t] = false;
        Trial trial = table.get(t);
        pick.started(worker, t, trial.unvisitedThisEpoch());
        return new Unit(t, trial.epochsDone() + 1, trial.nextInOrder(), worker);
    }

    /** The waiting trial of the lowest priority, the one queued first among equals; null if none. */
    private Integer lowestPriority() {
        Integer head = null;
        for (int candidate : waiting) {
            if (head == null || table.get(candidate).priority() < table.get(head).priority()) {
                head = candidate;
            }
        }
        return head;
    }

    /** The waiting trial {@link SpeedAwarePick} gives this worker for a whole epoch, or null. */
    private Integer fastestFinish(int worker) {
        pick.clear();
        for (int candidate : waiting) {
            Trial trial = table.get(candidate);
            pick.consider(candidate, -1, trial.priority(), trial.unvisitedThisEpoch());
        }
        int slot = pick.choose(worker, null);
        return slot < 0 ? null : pick.trial(slot);
    }

    @Override
    public void ran(Unit unit, double seconds, double nowSeconds) {
        pick.ran(unit, seconds, nowSeconds);
    }

    @Override
    public void orderIdle(int[] workers, int count) {
        pick.fastestFirst(workers, count);
    }

    @Override
    public void lost(Unit unit, Trial trial) {
        grow();
        pick.lost(unit.worker());
        disown(unit.trial());
        queued[unit.trial()] = true;
        waiting.addFirst(unit.trial()); // first in line: it was already under way
    }

    private void disown(int t) {
        if (owner[t] >= 0) {
            owned[owner[t]] = -1;
            owner[t] = -1;
        }
    }
}
