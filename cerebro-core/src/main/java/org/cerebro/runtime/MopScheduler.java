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
 * <p>Not thread-safe: one scheduling thread. A decision costs O(trials eligible on the worker's
 * partitions): each partition keeps the set of trials eligible for it (its index, kept up to date
 * as trials are offered and withdrawn).
 */
public final class MopScheduler implements UnitScheduler {
    private final Placement placement;
    private final VisitPolicy policy;
    private final TrialTable table;
    private final SplittableRandom random;
    /** Per partition: the queued trials that may run it now (FREE: not yet visited; FIXED: next in order). */
    private final IndexedIntSet[] eligible;

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
        }
    }

    @Override
    public void offer(Trial trial) {
        int t = trial.id();
        for (IndexedIntSet set : eligible) {
            set.ensureCapacity(table.idCapacity());
        }
        if (policy == VisitPolicy.FIXED) {
            eligible[trial.nextInOrder()].add(t);
        } else {
            for (int p = 0; p < eligible.length; p++) {
                if (!trial.visited(p)) {
                    eligible[p].add(t);
                }
            }
        }
    }

    @Override
    public void withdraw(Trial trial) {
        for (IndexedIntSet set : eligible) {
            set.remove(trial.id());
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
        double lowest = Double.POSITIVE_INFINITY;
        int atLowest = 0;
        for (int p : held) {
            for (int i = 0; i < eligible[p].size(); i++) {
                double priority = table.get(eligible[p].get(i)).priority();
                if (priority < lowest) {
                    lowest = priority;
                    atLowest = 1;
                } else if (priority == lowest) {
                    atLowest++;
                }
            }
        }
        // uniform over the (trial, partition) pairs of the lowest priority this worker can serve
        int pick = atLowest == 1 ? 0 : random.nextInt(atLowest);
        Trial trial = null;
        int partition = held[0];
        for (int p : held) {
            for (int i = 0; i < eligible[p].size() && trial == null; i++) {
                Trial candidate = table.get(eligible[p].get(i));
                if (candidate.priority() == lowest && pick-- == 0) {
                    trial = candidate;
                    partition = p;
                }
            }
            if (trial != null) {
                break;
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
