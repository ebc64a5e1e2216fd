package org.cerebro.runtime;

import java.util.HashSet;
import java.util.Set;
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
 * <p><b>Workers of different speeds.</b> Once the workers' speeds, learned from the units they
 * run, differ by more than 1.5x, a worker that holds every partition (or, on other placements, one
 * with fewer units it may run than there are workers: the narrow tail) no longer draws at random:
 * it takes the unit that earliest-finish-time list scheduling gives it ({@link SpeedAwarePick}),
 * so a long trial stays on the fast workers instead of passing through the slow ones. Which
 * worker runs a unit never changes its result under the fixed visit order.
 *
 * <p>Not thread-safe: one scheduling thread. A decision costs O(partitions held, plus the trials
 * eligible on the one partition it picks from): each partition keeps the set of trials eligible
 * for it and how many of them are at each priority (kept up to date as trials are offered and
 * withdrawn), so finding the lowest priority and drawing among its pairs reads counts, not trials.
 * A speed-aware decision reads every queued trial once, keeping the first
 * {@value SpeedAwarePick#CONSIDERED} in its order, and compares them with the busy workers faster
 * than the deciding one.
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
    private final SpeedAwarePick pick;
    /** Whether every worker holds every partition. */
    private final boolean everywhere;
    /** The trials offered and not withdrawn. */
    private final IndexedIntSet offered = new IndexedIntSet(16);

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
        this.pick = new SpeedAwarePick(placement.workers());
        this.everywhere = placement.replicas() == placement.workers();
    }

    @Override
    public void offer(Trial trial) {
        int t = trial.id();
        for (IndexedIntSet set : eligible) {
            set.ensureCapacity(table.idCapacity());
        }
        offered.ensureCapacity(table.idCapacity());
        if (t >= offeredAt.length) {
            offeredAt = java.util.Arrays.copyOf(offeredAt, Math.max(table.idCapacity(), 2 * offeredAt.length));
        }
        withdraw(trial); // offered again (a lost unit): counted once, at its priority now
        offeredAt[t] = trial.priority();
        offered.add(t);
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
        offered.remove(t);
        for (int p = 0; p < eligible.length; p++) {
            if (eligible[p].contains(t)) {
                eligible[p].remove(t);
                atPriority.get(p).merge(offeredAt[t], -1, (count, minus) -> count + minus == 0 ? null : count + minus);
            }
        }
    }

    @Override
    public Unit next(int worker) {
        if (pick.engaged() && (everywhere || scarce(worker))) {
            return earliestFinish(worker);
        }
        Unit unit = draw(worker);
        if (unit != null) {
            pick.started(worker, unit.trial(), 1);
        }
        return unit;
    }

    /** Whether fewer units are eligible on this worker's partitions than there are workers. */
    private boolean scarce(int worker) {
        int n = 0;
        for (int p : placement.partitionsOfUnsafe(worker)) {
            n += eligible[p].size();
        }
        return n < placement.workers();
    }

    /** The paper's rule: uniform among the pairs of the lowest priority this worker can serve. */
    private Unit draw(int worker) {
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

    /** The unit {@link SpeedAwarePick} gives this worker among those it may run, or null. */
    private Unit earliestFinish(int worker) {
        pick.clear();
        if (everywhere) { // every queued trial, its partition chosen once it is taken
            // in the narrow tail a trial keeps the worker that takes it for the rest of its epoch
            boolean tail = offered.size() < placement.workers();
            for (int i = 0; i < offered.size(); i++) {
                int t = offered.get(i);
                pick.consider(t, -1, offeredAt[t], tail ? table.get(t).unvisitedThisEpoch() : 1);
            }
        } else { // only when fewer units than workers are eligible here: a few
            Set<Integer> seen = new HashSet<>();
            for (int p : placement.partitionsOfUnsafe(worker)) {
                IndexedIntSet set = eligible[p];
                for (int i = 0; i < set.size(); i++) {
                    int t = set.get(i);
                    if (seen.add(t)) {
                        pick.consider(t, p, offeredAt[t], 1);
                    }
                }
            }
        }
        int slot = pick.choose(worker, everywhere ? null : placement);
        if (slot < 0) {
            return null;
        }
        Trial trial = table.get(pick.trial(slot));
        pick.started(worker, trial.id(), pick.units(slot)); // busy for as long as the decision counted
        int partition = pick.partition(slot) >= 0 ? pick.partition(slot) : partitionFor(trial);
        withdraw(trial);
        return new Unit(trial.id(), trial.epochsDone() + 1, partition, worker);
    }

    /** With every partition here: the trial's next in its fixed order, or one it has not visited, at random. */
    private int partitionFor(Trial trial) {
        if (policy == VisitPolicy.FIXED) {
            return trial.nextInOrder();
        }
        int left = 0;
        for (int p = 0; p < eligible.length; p++) {
            left += eligible[p].contains(trial.id()) ? 1 : 0;
        }
        int pick = random.nextInt(left);
        for (int p = 0; ; p++) {
            if (eligible[p].contains(trial.id()) && pick-- == 0) {
                return p;
            }
        }
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
        pick.lost(unit.worker());
        offer(trial); // not visited: a worker holding a replica runs it again
    }
}
