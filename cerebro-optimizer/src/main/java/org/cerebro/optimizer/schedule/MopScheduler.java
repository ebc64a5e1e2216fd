package org.cerebro.optimizer.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.cerebro.exec.VisitOrder;

/**
 * The model hopper parallelism scheduler of the VLDB 2020 paper: when a worker is idle, it picks
 * uniformly at random, among the trials that are not running and still need a partition that
 * worker holds in their current epoch, one to run there. With replicas, any worker holding a copy
 * serves a partition; a unit lost with its worker simply becomes eligible again.
 *
 * <p>Two visit policies: {@link VisitPolicy#FREE} (the paper's: any partition not yet visited
 * this epoch) and {@link VisitPolicy#FIXED} (each trial's order per epoch is
 * {@link VisitOrder#of}(seed, trial, epoch), so training results do not depend on timing; the
 * scheduler only decides when). The same seed gives the same decisions for the same events.
 * Every dispatched unit is logged in order.
 *
 * <p>Not thread-safe: one scheduling thread. A decision costs O(partitions held by the worker):
 * each partition keeps the set of trials eligible for it, updated in O(partitions) per unit.
 */
public final class MopScheduler implements UnitScheduler {
    /** How a trial's partitions are ordered within an epoch. */
    public enum VisitPolicy {
        /** Any partition not yet visited this epoch (the paper's randomized scheduler). */
        FREE,
        /** A seeded order per (trial, epoch): results independent of thread timing, kills and resumes. */
        FIXED
    }

    private final Placement placement;
    private final VisitPolicy policy;
    private final long seed;
    private final int partitions;
    private final int[] epochsNeeded;
    private final int[] epoch;
    private final int[] visitedCount;
    private final boolean[][] visited;
    private final boolean[] running;
    private final boolean[] done;
    private final int[][] order;   // FIXED: this epoch's order
    private final SplittableRandom random;
    /** Per partition: the idle, unfinished trials that may run it now (FREE: not yet visited; FIXED: next in order). */
    private final IndexedIntSet[] eligible;
    private final List<Unit> log = new ArrayList<>();
    private int finished;

    /**
     * @param epochsNeeded epochs per trial in this stage
     * @param placement    where the partitions live
     * @param policy       free or fixed visit order
     * @param seed         seeds the choices and, under FIXED, the visit orders
     */
    public MopScheduler(int[] epochsNeeded, Placement placement, VisitPolicy policy, long seed) {
        this.placement = placement;
        this.policy = policy;
        this.seed = seed;
        this.partitions = placement.partitions();
        int n = epochsNeeded.length;
        this.epochsNeeded = epochsNeeded.clone();
        this.epoch = new int[n];
        this.visitedCount = new int[n];
        this.visited = new boolean[n][partitions];
        this.running = new boolean[n];
        this.done = new boolean[n];
        this.order = new int[n][];
        this.random = new SplittableRandom(seed);
        this.eligible = new IndexedIntSet[partitions];
        for (int i = 0; i < partitions; i++) {
            eligible[i] = new IndexedIntSet(n);
        }
        for (int t = 0; t < n; t++) {
            if (epochsNeeded[t] < 1) {
                throw new IllegalArgumentException("trial=" + t + " epochs=" + epochsNeeded[t] + " expected>=1");
            }
            newEpochOrder(t);
            makeEligible(t);
        }
    }

    /** A scheduler for every trial of {@code workload}. */
    public static MopScheduler of(Workload workload, Placement placement, VisitPolicy policy, long seed) {
        int[] epochs = workload.trials().stream().mapToInt(Workload.Trial::epochs).toArray();
        return new MopScheduler(epochs, placement, policy, seed);
    }

    private void newEpochOrder(int t) {
        if (policy == VisitPolicy.FIXED) {
            order[t] = VisitOrder.of(seed, t, epoch[t] + 1, partitions).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Idle trial {@code t} may run the partitions it still needs (FREE) or its next one (FIXED). */
    private void makeEligible(int t) {
        if (policy == VisitPolicy.FIXED) {
            eligible[order[t][visitedCount[t]]].add(t);
        } else {
            for (int i = 0; i < partitions; i++) {
                if (!visited[t][i]) {
                    eligible[i].add(t);
                }
            }
        }
    }

    /** Trial {@code t} starts running: no partition may take it. */
    private void makeIneligible(int t) {
        if (policy == VisitPolicy.FIXED) {
            eligible[order[t][visitedCount[t]]].remove(t);
        } else {
            for (int i = 0; i < partitions; i++) {
                eligible[i].remove(t);
            }
        }
    }

    @Override
    public Unit next(int worker) {
        int[] held = placement.partitionsOfUnsafe(worker);
        int count = 0;
        for (int p : held) {
            count += eligible[p].size();
        }
        if (count == 0) {
            return null;
        }
        // uniform over the (trial, partition) pairs this worker can serve
        int pick = count == 1 ? 0 : random.nextInt(count);
        int partition = held[0];
        for (int p : held) {
            if (pick < eligible[p].size()) {
                partition = p;
                break;
            }
            pick -= eligible[p].size();
        }
        int t = eligible[partition].get(pick);
        makeIneligible(t);
        running[t] = true;
        Unit unit = new Unit(t, epoch[t], partition, worker);
        log.add(unit);
        return unit;
    }

    @Override
    public void completed(Unit unit) {
        int t = unit.trial();
        checkRunning(unit);
        running[t] = false;
        visited[t][unit.partition()] = true;
        if (++visitedCount[t] == partitions) {
            visitedCount[t] = 0;
            java.util.Arrays.fill(visited[t], false);
            if (++epoch[t] == epochsNeeded[t]) {
                done[t] = true;
                finished++;
                return;
            }
            newEpochOrder(t);
        }
        makeEligible(t);
    }

    @Override
    public void lost(Unit unit) {
        checkRunning(unit);
        running[unit.trial()] = false; // not visited: a worker holding a replica will run it again
        makeEligible(unit.trial());
    }

    private void checkRunning(Unit unit) {
        int t = unit.trial();
        if (!running[t] || epoch[t] != unit.epoch()) {
            throw new IllegalStateException("unit " + unit + " is not running (trial epoch=" + epoch[t] + ")");
        }
    }

    @Override
    public boolean isDone() {
        return finished == running.length;
    }

    /** The units dispatched so far, in order: the visit-order log that reproduces a run. */
    public List<Unit> log() {
        return Collections.unmodifiableList(log);
    }
}
