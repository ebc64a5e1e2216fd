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
 * <p><b>Workers of different speeds.</b> The scheduler learns each worker's speed from the units
 * it runs ({@link WorkerSpeeds}). Once the workers differ by more than {@value #HETEROGENEOUS}x,
 * an idle worker that holds every partition (or, on other placements, one with fewer units it may
 * run than there are workers: the narrow tail) no longer draws at random: it goes through the
 * units it may run, lowest priority first and the longest first within a priority, and takes the
 * first one that no busy, faster worker would finish clearly sooner once free (each unit it leaves
 * is counted against that worker's time, as in earliest-finish-time list scheduling). When every
 * unit is better left to others it takes the last one it went through if there are at least as
 * many units as workers, and stays idle until the next unit ends otherwise. A long trial then
 * stays on the fast workers instead of passing through the slow ones. Which worker runs a unit
 * never changes its result under the fixed visit order.
 *
 * <p>Not thread-safe: one scheduling thread. A decision costs O(partitions held, plus the trials
 * eligible on the one partition it picks from): each partition keeps the set of trials eligible
 * for it and how many of them are at each priority (kept up to date as trials are offered and
 * withdrawn), so finding the lowest priority and drawing among its pairs reads counts, not trials.
 * A speed-aware decision reads every queued trial once, keeping the first {@value #CONSIDERED}
 * in its order, and compares them with the busy workers faster than the deciding one.
 */
public final class MopScheduler implements UnitScheduler {
    /** Speeds above this ratio (fastest over slowest) make decisions speed-aware. */
    static final double HETEROGENEOUS = 1.5;
    /** A unit is left to a faster worker only if that finishes it sooner by this share of its time here. */
    private static final double MARGIN = 0.1;
    /** The units a speed-aware decision goes through, in order: at most this many. */
    private static final int CONSIDERED = 16;

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
    private final WorkerSpeeds speeds;
    private final boolean[][] holds;
    /** Whether every worker holds every partition. */
    private final boolean everywhere;
    /** The trials offered and not withdrawn. */
    private final IndexedIntSet offered = new IndexedIntSet(16);
    /** Per worker: the trial of the unit it runs, or -1 when idle. */
    private final int[] runs;
    /** Per worker: when its unit should end (seconds on the transport's clock). */
    private final double[] freeAt;
    private double now;
    /** The first {@link #CONSIDERED} units of a speed-aware decision, in order (reused). */
    private final double[] topPriority = new double[CONSIDERED];
    private final double[] topWork = new double[CONSIDERED];
    private final int[] topTrial = new int[CONSIDERED];
    private final int[] topPartition = new int[CONSIDERED];
    private int top;
    private final int[] fasterWorkers;
    private final double[] available;

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
        int workers = placement.workers();
        this.speeds = new WorkerSpeeds(workers);
        this.holds = new boolean[workers][placement.partitions()];
        for (int w = 0; w < workers; w++) {
            for (int p : placement.partitionsOfUnsafe(w)) {
                holds[w][p] = true;
            }
        }
        this.everywhere = placement.replicas() == workers;
        this.runs = new int[workers];
        java.util.Arrays.fill(runs, -1);
        this.freeAt = new double[workers];
        this.fasterWorkers = new int[workers];
        this.available = new double[workers];
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
        boolean speedAware = speeds.differBy(HETEROGENEOUS) && (everywhere || scarce(worker));
        Unit unit = speedAware ? earliestFinish(worker) : draw(worker);
        if (unit != null) {
            runs[worker] = unit.trial();
            freeAt[worker] = now + speeds.seconds(unit.trial(), worker);
        }
        return unit;
    }

    /** Whether fewer units are eligible on this worker's partitions than there are workers. */
    private boolean scarce(int worker) {
        int n = 0;
        for (int p : placement.partitionsOfUnsafe(worker)) {
            n += eligible[p].size();
        }
        return n < runs.length;
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

    /**
     * Earliest-finish-time list scheduling over the units this worker may run: the lowest priority
     * first, the longest first within a priority (then the lower trial id), at most
     * {@value #CONSIDERED} of them; each unit goes to the busy worker holding its partition that
     * would finish it first once free, if that is clearly sooner than here (that worker's time
     * grows by it), else this worker takes it. When every unit is left to faster workers, this
     * worker takes the last one considered if there are at least as many units as workers (work
     * is plentiful: idling would only lose capacity), and stays idle otherwise (the narrow tail,
     * where a long trial on a slow worker would set the makespan).
     */
    private Unit earliestFinish(int worker) {
        top = 0;
        int considered = 0;
        if (everywhere) { // every queued trial, its partition chosen once it is taken
            for (int i = 0; i < offered.size(); i++) {
                int t = offered.get(i);
                considered++;
                consider(t, -1);
            }
        } else { // only when fewer units than workers are eligible here: a few
            Set<Integer> seen = new HashSet<>();
            for (int p : placement.partitionsOfUnsafe(worker)) {
                IndexedIntSet set = eligible[p];
                for (int i = 0; i < set.size(); i++) {
                    int t = set.get(i);
                    if (seen.add(t)) {
                        considered++;
                        consider(t, p);
                    }
                }
            }
        }
        if (top == 0) {
            return null;
        }
        // the busy workers that could finish a unit clearly sooner than this one: faster ones
        double pace = speeds.pace(worker);
        int faster = 0;
        for (int f = 0; f < runs.length; f++) {
            if (runs[f] >= 0 && f != worker && speeds.pace(f) < pace * (1 - MARGIN)) {
                fasterWorkers[faster] = f;
                available[faster++] = Math.max(now, freeAt[f]);
            }
        }
        int chosen = faster == 0 ? 0 : -1;
        for (int c = 0; chosen < 0 && c < top; c++) {
            double work = Math.exp(topWork[c]);
            double finish = now + work * pace * (1 - MARGIN);
            int best = -1;
            for (int i = 0; i < faster; i++) {
                int f = fasterWorkers[i];
                if (topPartition[c] < 0 || holds[f][topPartition[c]]) {
                    double there = available[i] + work * speeds.pace(f);
                    if (there < finish) {
                        finish = there;
                        best = i;
                    }
                }
            }
            if (best < 0) {
                chosen = c;
            } else {
                available[best] = finish;
            }
        }
        if (chosen < 0 && considered >= runs.length) {
            chosen = top - 1;
        }
        if (chosen < 0) {
            return null;
        }
        Trial trial = table.get(topTrial[chosen]);
        int partition = topPartition[chosen] >= 0 ? topPartition[chosen] : partitionFor(trial);
        withdraw(trial);
        return new Unit(trial.id(), trial.epochsDone() + 1, partition, worker);
    }

    /** Keeps trial {@code t} among the first {@value #CONSIDERED} in decision order, if it is. */
    private void consider(int t, int partition) {
        double priority = offeredAt[t];
        double work = speeds.logWork(t);
        if (top == CONSIDERED && !before(priority, work, t, top - 1)) {
            return;
        }
        int i = Math.min(top, CONSIDERED - 1);
        for (; i > 0 && before(priority, work, t, i - 1); i--) {
            topPriority[i] = topPriority[i - 1];
            topWork[i] = topWork[i - 1];
            topTrial[i] = topTrial[i - 1];
            topPartition[i] = topPartition[i - 1];
        }
        topPriority[i] = priority;
        topWork[i] = work;
        topTrial[i] = t;
        topPartition[i] = partition;
        top = Math.min(top + 1, CONSIDERED);
    }

    /** Lower priority first, then more work, then the lower trial id. */
    private boolean before(double priority, double work, int t, int slot) {
        return priority != topPriority[slot] ? priority < topPriority[slot]
            : work != topWork[slot] ? work > topWork[slot] : t < topTrial[slot];
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
        now = Math.max(now, nowSeconds);
        if (runs[unit.worker()] == unit.trial()) {
            runs[unit.worker()] = -1;
        }
        speeds.ran(unit.worker(), unit.trial(), seconds);
    }

    @Override
    public void lost(Unit unit, Trial trial) {
        runs[unit.worker()] = -1;
        offer(trial); // not visited: a worker holding a replica runs it again
    }
}
