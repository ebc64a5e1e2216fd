package org.cerebro.runtime;

import java.util.SplittableRandom;
import org.cerebro.exec.Placement;
import org.cerebro.exec.VisitPolicy;
import org.cerebro.runtime.TrialTable.Trial;

/**
 * The model hopper parallelism scheduler of the VLDB 2020 paper: when a worker is idle, it picks
 * uniformly at random, among the queued trials of the lowest priority that still need a partition
 * that worker holds in their current epoch, one to run there (the search gives each epoch its
 * predicted finish as priority, so the outcome the strategy needs next trains first). With
 * replicas, any worker holding a copy serves a partition; a unit lost with its worker simply
 * becomes eligible again.
 *
 * <p>Two visit policies: {@link VisitPolicy#FREE} (the paper's: any partition not yet visited
 * this epoch) and {@link VisitPolicy#FIXED} (each trial's order per epoch is fixed by the table
 * from (seed, trial, epoch), so training results do not depend on timing; the scheduler only
 * decides when). The same seed gives the same decisions for the same events.
 *
 * <p>Not thread-safe: one scheduling thread. A decision costs O(partitions held, plus the trials
 * eligible on the one partition it picks from): each partition keeps the set of trials eligible
 * for it and how many of them are at each priority (kept up to date as trials are offered and
 * withdrawn), so finding the lowest priority and drawing among its pairs reads counts, not trials.
 */
public final class MopScheduler implements UnitScheduler {
    private final Placement placement;
    private final VisitPolicy policy;
    private final TrialTable table;
    private final SplittableRandom random;
    /** Per partition: the queued trials that may run it now (FREE: not yet visited; FIXED: next in order). */
    private final IndexedIntSet[] eligible;
    /** Per partition: how many of its eligible trials are at each priority. */
    private final java.util.List<java.util.TreeMap<Double, Integer>> atPriority = new java.util.ArrayList<>();
    /** Per trial: the priority it was offered at (what its counts were added under). */
    private double[] offeredAt = new double[16];

    /**
     * @param table     where trials stand
     * @param placement where the partitions live
     * @param policy    free or fixed visit order
     * @param seed      seeds the random choices
     */
    public MopScheduler(TrialTable table, Placement placement, VisitPolicy policy, long seed) {
        if (placement.partitions() != table.partitions()) {
            throw new IllegalArgumentException("placement has " + placement.partitions() + " partitions, the table "
                + table.partitions());
        }
        this.table = table;
        this.placement = placement;
        this.policy = policy;
        this.random = new SplittableRandom(seed);
        this.eligible = new IndexedIntSet[placement.partitions()];
        for (int i = 0; i < eligible.length; i++) {
            eligible[i] = new IndexedIntSet(16);
            atPriority.add(new java.util.TreeMap<>());
        }
    }

    @Override
    public void offer(Trial trial) {
        int t = trial.id();
        for (IndexedIntSet set : eligible) {
            set.ensureCapacity(table.idCapacity());
        }
        if (t >= offeredAt.length) {
            offeredAt = java.util.Arrays.copyOf(offeredAt, Math.max(table.idCapacity(), 2 * offeredAt.length));
        }
        withdraw(trial); // offered again (a lost unit): counted once, at its priority now
        offeredAt[t] = trial.priority();
        if (policy == VisitPolicy.FIXED) {
            add(trial.nextInOrder(), t);
        } else {
            for (int p = 0; p < eligible.length; p++) {
                if (!trial.visited(p)) {
                    add(p, t);
                }
            }
        }
    }

    private void add(int partition, int t) {
        eligible[partition].add(t);
        atPriority.get(partition).merge(offeredAt[t], 1, Integer::sum);
    }

    @Override
    public void withdraw(Trial trial) {
        int t = trial.id();
        for (int p = 0; p < eligible.length; p++) {
            if (eligible[p].contains(t)) {
                eligible[p].remove(t);
                atPriority.get(p).merge(offeredAt[t], -1, (count, minus) -> count + minus == 0 ? null : count + minus);
            }
        }
    }

    @Override
    public Unit next(int worker) {
        int[] held = placement.partitionsOfUnsafe(worker);
        double lowest = Double.POSITIVE_INFINITY;
        for (int p : held) {
            if (!atPriority.get(p).isEmpty()) {
                lowest = Math.min(lowest, atPriority.get(p).firstKey());
            }
        }
        if (lowest == Double.POSITIVE_INFINITY) {
            return null;
        }
        int atLowest = 0;
        for (int p : held) {
            atLowest += atPriority.get(p).getOrDefault(lowest, 0);
        }
        // uniform over the (trial, partition) pairs of the lowest priority this worker can serve,
        // in the order of its partitions, then of each partition's eligible trials
        int pick = atLowest == 1 ? 0 : random.nextInt(atLowest);
        int partition = held[0];
        for (int p : held) {
            int here = atPriority.get(p).getOrDefault(lowest, 0);
            if (pick < here) {
                partition = p;
                break;
            }
            pick -= here;
        }
        Trial trial = null;
        for (int i = 0; trial == null; i++) {
            int candidate = eligible[partition].get(i);
            if (offeredAt[candidate] == lowest && pick-- == 0) {
                trial = table.get(candidate);
            }
        }
        withdraw(trial);
        return new Unit(trial.id(), trial.epochsDone() + 1, partition, worker);
    }

    @Override
    public void lost(Unit unit, Trial trial) {
        offer(trial); // not visited: a worker holding a replica runs it again
    }
}
