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
 * <p>Epochs are granted to trials: all at once for a known stage ({@link #MopScheduler(int[],
 * Placement, VisitPolicy, long)}), or one by one as a search decides ({@link #grant}); a trial
 * resumed from a checkpoint is {@link #admit admitted} with the epochs it has done. Trial ids are
 * small non-negative ints; storage grows as they appear.
 *
 * <p>Not thread-safe: one scheduling thread. A decision costs O(partitions held by the worker):
 * each partition keeps the set of trials eligible for it, updated in O(partitions) per unit.
 */
public final class MopScheduler implements EpochScheduler {
    /** How a trial's partitions are ordered within an epoch. */
    public enum VisitPolicy {
        /** Any partition not yet visited this epoch (the paper's randomized scheduler): faster, timing-dependent. */
        FREE,
        /** A seeded order per (trial, epoch): results independent of thread timing, kills and resumes. */
        FIXED
    }

    private final Placement placement;
    private final VisitPolicy policy;
    private final long seed;
    private final int partitions;
    private final SplittableRandom random;
    /** Per partition: the idle trials that may run it now (FREE: not yet visited; FIXED: next in order). */
    private final IndexedIntSet[] eligible;
    private final List<Unit> log = new ArrayList<>();
    private final TrialEpochs trials;

    /** A scheduler with no trials yet: {@link #admit} and {@link #grant} them as they come. */
    public MopScheduler(Placement placement, VisitPolicy policy, long seed) {
        this.placement = placement;
        this.policy = policy;
        this.seed = seed;
        this.partitions = placement.partitions();
        this.random = new SplittableRandom(seed);
        this.trials = new TrialEpochs(partitions, seed);
        this.eligible = new IndexedIntSet[partitions];
        for (int i = 0; i < partitions; i++) {
            eligible[i] = new IndexedIntSet(16);
        }
    }

    /**
     * A scheduler for a known stage: trial {@code t} runs {@code epochsNeeded[t]} epochs.
     *
     * @param placement where the partitions live
     * @param policy    free or fixed visit order
     * @param seed      seeds the choices and, under FIXED, the visit orders
     */
    public MopScheduler(int[] epochsNeeded, Placement placement, VisitPolicy policy, long seed) {
        this(placement, policy, seed);
        for (int t = 0; t < epochsNeeded.length; t++) {
            if (epochsNeeded[t] < 1) {
                throw new IllegalArgumentException("trial=" + t + " epochs=" + epochsNeeded[t] + " expected>=1");
            }
            grant(t, epochsNeeded[t]);
        }
    }

    /** A scheduler for every trial of {@code workload}. */
    public static MopScheduler of(Workload workload, Placement placement, VisitPolicy policy, long seed) {
        int[] epochs = workload.trials().stream().mapToInt(Workload.Trial::epochs).toArray();
        return new MopScheduler(epochs, placement, policy, seed);
    }

    /** Registers {@code trial} as having completed {@code epochsDone} epochs already (a resumed trial). */
    public void admit(int trial, int epochsDone) {
        admit(trial, epochsDone, List.of());
    }

    @Override
    public void admit(int trial, int epochsDone, List<Integer> visitedThisEpoch) {
        trials.admit(trial, epochsDone, visitedThisEpoch);
        growEligible();
    }

    /**
     * Lets {@code trial} train until it has completed {@code untilEpochs} epochs; admits it with
     * none done if it is new. Granting never takes epochs back.
     */
    @Override
    public void grant(int trial, int untilEpochs) {
        boolean waiting = trials.grant(trial, untilEpochs);
        growEligible();
        if (waiting) {
            makeEligible(trial);
        }
    }

    private void growEligible() {
        for (IndexedIntSet set : eligible) {
            set.ensureCapacity(trials.capacity());
        }
    }

    /** Idle trial {@code t} may run the partitions it still needs (FREE) or its next one (FIXED). */
    private void makeEligible(int t) {
        if (policy == VisitPolicy.FIXED) {
            eligible[trials.nextInOrder(t)].add(t);
        } else {
            for (int i = 0; i < partitions; i++) {
                if (!trials.visited(t, i)) {
                    eligible[i].add(t);
                }
            }
        }
    }

    /** Trial {@code t} starts running: no partition may take it. */
    private void makeIneligible(int t) {
        if (policy == VisitPolicy.FIXED) {
            eligible[trials.nextInOrder(t)].remove(t);
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
        trials.start(t);
        Unit unit = new Unit(t, trials.epochsDone(t), partition, worker);
        log.add(unit);
        return unit;
    }

    @Override
    public void completed(Unit unit) {
        completeUnit(unit);
    }

    /**
     * Records a finished unit.
     *
     * @return whether it completed its trial's epoch
     */
    @Override
    public boolean completeUnit(Unit unit) {
        int t = unit.trial();
        if (!trials.complete(unit)) {
            makeEligible(t);
            return false;
        }
        if (trials.hasGrantedEpochLeft(t)) {
            makeEligible(t);
        }
        return true;
    }

    @Override
    public void lost(Unit unit) {
        trials.lose(unit); // not visited: a worker holding a replica will run it again
        makeEligible(unit.trial());
    }

    /** Forgets a trial that will never run again (stopped or failed); its granted epochs are dropped. */
    @Override
    public void retire(int trial) {
        if (!trials.knows(trial)) {
            return;
        }
        trials.retire(trial);
        for (IndexedIntSet set : eligible) {
            set.remove(trial);
        }
    }

    @Override
    public boolean isDone() {
        return trials.isDone();
    }

    /** Whether {@code trial} has been admitted. */
    @Override
    public boolean knows(int trial) {
        return trials.knows(trial);
    }

    /** Epochs {@code trial} has completed. */
    @Override
    public int epochsDone(int trial) {
        return trials.epochsDone(trial);
    }

    /** Units of its current epoch {@code trial} has completed. */
    @Override
    public int visitedThisEpoch(int trial) {
        return trials.visitedThisEpoch(trial);
    }

    /** The units dispatched so far, in order: the visit-order log that reproduces a run. */
    public List<Unit> log() {
        return Collections.unmodifiableList(log);
    }
}
