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
    private final TrialEpochs trials;
    private final Deque<Integer> waiting = new ArrayDeque<>();
    private final int[] owned; // per worker: its trial, or -1
    private int[] owner = new int[0];

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
        this.trials = new TrialEpochs(partitions, seed);
        this.owned = new int[workers];
        Arrays.fill(owned, -1);
    }

    @Override
    public void admit(int trial, int epochsDone, List<Integer> visitedThisEpoch) {
        trials.admit(trial, epochsDone, visitedThisEpoch);
        growOwners();
    }

    @Override
    public void grant(int trial, int untilEpochs) {
        boolean idle = trials.grant(trial, untilEpochs);
        growOwners();
        if (idle && owner[trial] < 0) {
            waiting.add(trial);
        }
    }

    private void growOwners() {
        int from = owner.length;
        if (from < trials.capacity()) {
            owner = Arrays.copyOf(owner, trials.capacity());
            Arrays.fill(owner, from, owner.length, -1);
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
        if (trials.running(t) || !trials.hasGrantedEpochLeft(t)) {
            return null;
        }
        trials.start(t);
        return new Unit(t, trials.epochsDone(t), trials.nextInOrder(t), worker);
    }

    @Override
    public void completed(Unit unit) {
        completeUnit(unit);
    }

    @Override
    public boolean completeUnit(Unit unit) {
        checkOwner(unit);
        if (!trials.complete(unit)) {
            return false;
        }
        if (!trials.hasGrantedEpochLeft(unit.trial())) {
            disown(unit.trial()); // waits for the search's decision: its worker takes another trial meanwhile
        }
        return true;
    }

    @Override
    public void lost(Unit unit) {
        checkOwner(unit);
        trials.lose(unit);
        disown(unit.trial());
        waiting.addFirst(unit.trial()); // first in line: it was already under way
    }

    @Override
    public void retire(int trial) {
        if (!trials.knows(trial)) {
            return;
        }
        trials.retire(trial);
        waiting.remove(trial);
        disown(trial);
    }

    private void disown(int t) {
        if (owner[t] >= 0) {
            owned[owner[t]] = -1;
            owner[t] = -1;
        }
    }

    private void checkOwner(Unit unit) {
        trials.checkRunning(unit);
        if (owner[unit.trial()] != unit.worker()) {
            throw new IllegalStateException("unit " + unit + " is not running on worker " + unit.worker());
        }
    }

    @Override
    public boolean isDone() {
        return trials.isDone();
    }

    @Override
    public boolean knows(int trial) {
        return trials.knows(trial);
    }

    @Override
    public int epochsDone(int trial) {
        return trials.epochsDone(trial);
    }

    @Override
    public int visitedThisEpoch(int trial) {
        return trials.visitedThisEpoch(trial);
    }

    /** The number of workers. */
    public int workers() {
        return workers;
    }
}
