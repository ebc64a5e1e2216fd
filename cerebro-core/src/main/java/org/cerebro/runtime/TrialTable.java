package org.cerebro.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.TrialProgress;
import org.cerebro.exec.TrialState;
import org.cerebro.space.Config;

/**
 * The one record of every trial of a search. A trial is registered once (id, config, seed); its
 * {@link Phase}, its epochs done (1-based: a trial that completed epoch 3 has done 3), its
 * progress in the epoch under way (visit order, partitions visited, loss sum), where its state
 * is, and its epoch history live here and nowhere else. Every phase change goes through
 * {@link #move}, which refuses transitions the lifecycle does not have.
 *
 * <pre>
 *           grant              unit started           unit done, epoch not over / unit lost
 *  IDLE ----------> QUEUED ---------------> TRAINING ----------------------------------> QUEUED
 *   ^  \  pause       ^                        |  epoch over: IDLE;  unit failed: FAILED
 *   |   `-------> PAUSED --- grant (resume) ---'
 *   `--- end: COMPLETED, STOPPED, FAILED, CANCELLED (terminal) from any non-terminal phase
 * </pre>
 *
 * <p>Not thread-safe: the kernel's thread owns it. Trial ids are small non-negative ints
 * (strategies number trials from 0); storage grows as they appear.
 */
public final class TrialTable {
    /** Where a trial is in its lifecycle. */
    public enum Phase {
        /** Between epochs, not paused: the search decides what it does next. A new trial starts here. */
        IDLE,
        /** Has an epoch granted and no unit in flight: waits for a worker. */
        QUEUED,
        /** A unit of it runs on a worker. */
        TRAINING,
        /** Paused by the strategy; may be granted an epoch again. */
        PAUSED,
        /** Trained to the strategy's maximum epochs. */
        COMPLETED,
        /** The strategy stopped it earlier. */
        STOPPED,
        /** An exception in user code, a non-finite loss, or a state that could not be kept. */
        FAILED,
        /** The search was cancelled while it was active. */
        CANCELLED;

        /** Whether the trial will never train again. */
        public boolean terminal() {
            return this.compareTo(COMPLETED) >= 0;
        }
    }

    private static final Map<Phase, Set<Phase>> ALLOWED = new EnumMap<>(Phase.class);

    static {
        Set<Phase> ends = EnumSet.range(Phase.COMPLETED, Phase.CANCELLED);
        ALLOWED.put(Phase.IDLE, union(EnumSet.of(Phase.QUEUED, Phase.PAUSED), ends));
        ALLOWED.put(Phase.QUEUED, union(EnumSet.of(Phase.TRAINING, Phase.IDLE), ends));
        ALLOWED.put(Phase.TRAINING, EnumSet.of(Phase.QUEUED, Phase.IDLE, Phase.FAILED));
        ALLOWED.put(Phase.PAUSED, union(EnumSet.of(Phase.QUEUED), ends));
        for (Phase end : ends) {
            ALLOWED.put(end, EnumSet.noneOf(Phase.class));
        }
    }

    private static Set<Phase> union(Set<Phase> a, Set<Phase> b) {
        Set<Phase> both = EnumSet.copyOf(a);
        both.addAll(b);
        return both;
    }

    /**
     * One trial's row. Read it anywhere on the kernel's thread; only the table changes it.
     */
    public static final class Trial {
        private final int id;
        private Config config;
        private final long seed;
        private Phase phase = Phase.IDLE;
        private int epochsDone;
        private int[] order;
        private final boolean[] visited;
        private final List<Integer> visitedInOrder = new ArrayList<>();
        private double lossSum;
        private int worker = -1;
        /** Which of the queued trials a worker serves first: the lowest (the search's predicted finish). */
        private double priority;
        private TrialState state = TrialState.NONE;
        private final List<EpochOutcome> history = new ArrayList<>();
        /** The config each epoch of {@link #history} trained with (it changes when the trial exploits another). */
        private final List<Config> historyConfigs = new ArrayList<>();
        private String failure;

        private Trial(int id, Config config, long seed, int partitions) {
            this.id = id;
            this.config = config;
            this.seed = seed;
            this.visited = new boolean[partitions];
        }

        /** The trial's id. */
        public int id() {
            return id;
        }

        /** Its hyperparameters now (they change when it exploits another trial's state). */
        public Config config() {
            return config;
        }

        /** The config epoch {@code epoch} (1-based, ended) trained with. */
        public Config configOf(int epoch) {
            return historyConfigs.get(epoch - 1);
        }

        /** Its seed (its initial state derives from it). */
        public long seed() {
            return seed;
        }

        /** Where it is in its lifecycle. */
        public Phase phase() {
            return phase;
        }

        /** Epochs completed. */
        public int epochsDone() {
            return epochsDone;
        }

        /** Partitions of the epoch under way visited so far, in the order visited. */
        public List<Integer> visitedThisEpoch() {
            return Collections.unmodifiableList(visitedInOrder);
        }

        /** The partitions of the epoch under way it has still to visit. */
        public int unvisitedThisEpoch() {
            return visited.length - visitedInOrder.size();
        }

        /** Whether it visited {@code partition} in the epoch under way. */
        public boolean visited(int partition) {
            return visited[partition];
        }

        /** The partition it visits next under the fixed visit order. */
        public int nextInOrder() {
            return order[visitedInOrder.size()];
        }

        /** The sum over the partitions visited this epoch of their mean training loss times their records. */
        public double lossSum() {
            return lossSum;
        }

        /** The worker its unit runs on, or -1. */
        public int worker() {
            return worker;
        }

        /** Its priority for the epoch granted: among queued trials, a worker serves the lowest first. */
        public double priority() {
            return priority;
        }

        /** Its state as of its last completed unit (none while a live state is on a worker). */
        public TrialState state() {
            return state;
        }

        /** Every epoch it ended, in order (the last one may be a failure). */
        public List<EpochOutcome> history() {
            return Collections.unmodifiableList(history);
        }

        /** Why it failed, or null. */
        public String failure() {
            return failure;
        }

        @Override
        public String toString() {
            return "trial " + id + " " + phase + " epochs=" + epochsDone + " visited=" + visitedInOrder;
        }
    }

    private final int partitions;
    private final long seed;
    private Trial[] byId = new Trial[16];
    private final List<Trial> inOrder = new ArrayList<>();
    private final int[] phaseCounts = new int[Phase.values().length];
    /** Ids of the {@link Phase#QUEUED} trials, in order. */
    private final java.util.TreeSet<Integer> queued = new java.util.TreeSet<>();

    /**
     * @param partitions the training partitions an epoch visits
     * @param seed       the search seed the fixed visit orders derive from
     */
    public TrialTable(int partitions, long seed) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions=" + partitions + " expected >= 1");
        }
        this.partitions = partitions;
        this.seed = seed;
    }

    /** The partitions an epoch visits. */
    public int partitions() {
        return partitions;
    }

    /**
     * Registers a new trial, {@link Phase#IDLE} with no epoch done.
     *
     * @throws IllegalStateException when the id is taken or negative
     */
    public Trial register(int id, Config config, long trialSeed) {
        Objects.requireNonNull(config, "config");
        if (id < 0) {
            throw new IllegalArgumentException("trial id=" + id + " expected >= 0");
        }
        if (id >= byId.length) {
            byId = Arrays.copyOf(byId, Math.max(id + 1, 2 * byId.length));
        }
        if (byId[id] != null) {
            throw new IllegalStateException("trial=" + id + " is already registered: " + byId[id]);
        }
        Trial trial = new Trial(id, config, trialSeed, partitions);
        phaseCounts[trial.phase.ordinal()]++;
        byId[id] = trial;
        inOrder.add(trial);
        return trial;
    }

    /**
     * The trial with this id.
     *
     * @throws IllegalArgumentException when there is none
     */
    public Trial get(int id) {
        Trial trial = find(id);
        if (trial == null) {
            throw new IllegalArgumentException("trial=" + id + " is not registered");
        }
        return trial;
    }

    /** The trial with this id, or null. */
    public Trial find(int id) {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    /** Every trial, in the order they were registered. */
    public List<Trial> all() {
        return Collections.unmodifiableList(inOrder);
    }

    /** How many trials are in {@code phase}. */
    public int count(Phase phase) {
        return phaseCounts[phase.ordinal()];
    }

    /**
     * The queued trial of lowest id that has not started its epoch (no partition of it visited),
     * or null: the one a data-parallel epoch takes next.
     */
    public Trial firstQueuedAtEpochStart() {
        for (int id : queued) {
            Trial trial = byId[id];
            if (trial.visitedInOrder.isEmpty()) {
                return trial;
            }
        }
        return null;
    }

    /** The capacity of the id space so far: every id is below it. For schedulers sizing their indexes. */
    public int idCapacity() {
        return byId.length;
    }

    /**
     * Sets a trial where a checkpoint of an earlier run left it, the epochs before it being done
     * already (run or replayed): the partitions of the next epoch visited and their loss sum, and
     * its state as bytes.
     *
     * @throws IllegalStateException when the trial has a state in this run already, or the
     *                               checkpoint is at another epoch
     */
    public void restore(Trial trial, TrialProgress progress) {
        if (trial.phase != Phase.IDLE && trial.phase != Phase.PAUSED || !(trial.state instanceof TrialState.None)
            || !trial.visitedInOrder.isEmpty()) {
            throw new IllegalStateException(trial + " has a state in this run already: restore it before it runs");
        }
        if (progress.epochsDone() != trial.epochsDone) {
            throw new IllegalStateException(trial + " cannot take a checkpoint with " + progress.epochsDone()
                + " epochs done");
        }
        trial.lossSum = progress.lossSum();
        for (int p : progress.partitionsDone()) {
            if (p < 0 || p >= partitions || trial.visited[p]) {
                throw new IllegalArgumentException("trial=" + trial.id + " restored partitionsDone=" + progress.partitionsDone()
                    + " expected distinct partitions in [0, " + partitions + ")");
            }
            trial.visited[p] = true;
            trial.visitedInOrder.add(p);
        }
        if (trial.visitedInOrder.size() == partitions) {
            throw new IllegalArgumentException("trial=" + trial.id + " restored with every partition of epoch "
                + (trial.epochsDone + 1) + " done: its record should have closed the epoch");
        }
        trial.state = new TrialState.Bytes(progress.state());
    }

    /**
     * Grants a trial its next epoch (epoch {@code epochsDone + 1}) at priority 0, fixing that
     * epoch's visit order (the partitions already visited, from a checkpoint, first).
     */
    public void grant(Trial trial) {
        grant(trial, 0);
    }

    /** As {@link #grant(Trial)}, with the epoch's priority (the lowest is served first). */
    public void grant(Trial trial, double priority) {
        move(trial, Phase.QUEUED);
        trial.priority = priority;
        Set<Integer> done = new HashSet<>(trial.visitedInOrder);
        trial.order = VisitOrder.resumed(seed, trial.id, trial.epochsDone + 1, partitions, done).stream()
            .mapToInt(Integer::intValue).toArray();
    }

    /**
     * Queued {@code trial}'s state, kept as {@code from}, was restored ahead of its unit: the unit
     * takes {@code live} instead. False, changing nothing, unless the trial is still queued with
     * exactly those bytes (its unit started from them meanwhile, or it was paused or ended).
     */
    public boolean prefetched(Trial trial, TrialState.Bytes from, TrialState.Live live) {
        if (trial.phase != Phase.QUEUED || trial.state != from) {
            return false;
        }
        trial.state = live;
        return true;
    }

    /** A unit of the trial starts on {@code worker}; its state goes with it when {@code handedOver}. */
    public void started(Trial trial, int worker, boolean handedOver) {
        move(trial, Phase.TRAINING);
        trial.worker = worker;
        if (handedOver) {
            trial.state = TrialState.NONE;
        }
    }

    /**
     * The trial's unit over {@code partition} trained; {@code state} is its state now.
     *
     * @param weightedLoss the pass's mean loss times the partition's records
     * @return whether that was the epoch's last partition: then {@link #endEpoch} closes it
     */
    public boolean unitDone(Trial trial, int partition, double weightedLoss, TrialState state) {
        if (trial.phase != Phase.TRAINING || trial.visited[partition]) {
            throw new IllegalStateException(trial + ": a unit over partition=" + partition + " cannot end now");
        }
        trial.visited[partition] = true;
        trial.visitedInOrder.add(partition);
        trial.lossSum += weightedLoss;
        trial.state = state;
        trial.worker = -1;
        if (trial.visitedInOrder.size() == partitions) {
            return true;
        }
        move(trial, Phase.QUEUED);
        return false;
    }

    /**
     * The trial trained a whole epoch data-parallel ({@code lossSum}: its mean loss times the
     * training records): every partition counts as visited, in index order, and {@link #endEpoch}
     * closes the epoch.
     *
     * @throws IllegalStateException when the trial is not training, or had visited a partition of this epoch
     */
    public void dataParallelDone(Trial trial, double lossSum, TrialState state) {
        if (trial.phase != Phase.TRAINING || !trial.visitedInOrder.isEmpty()) {
            throw new IllegalStateException(trial + ": a data-parallel epoch cannot end now");
        }
        for (int p = 0; p < partitions; p++) {
            trial.visited[p] = true;
            trial.visitedInOrder.add(p);
        }
        trial.lossSum = lossSum;
        trial.state = state;
        trial.worker = -1;
    }

    /** The trial's unit did not complete (its worker was lost): it runs again from its state before it. */
    public void unitLost(Trial trial) {
        trial.worker = -1;
        move(trial, Phase.QUEUED);
    }

    /**
     * Closes the trial's epoch with {@code outcome} (run here, or replayed from an earlier run's
     * log): the history grows, the epoch's progress resets, and the trial goes {@link Phase#IDLE},
     * or {@link Phase#FAILED} when the outcome is a failure.
     */
    public void endEpoch(Trial trial, EpochOutcome outcome) {
        if (outcome.trialId() != trial.id || outcome.epoch() != trial.epochsDone + 1) {
            throw new IllegalStateException(trial + " cannot end epoch=" + outcome.epoch() + " of trial="
                + outcome.trialId());
        }
        trial.history.add(outcome);
        trial.historyConfigs.add(trial.config);
        trial.worker = -1;
        if (outcome.failed()) {
            fail(trial, outcome.failure());
            return;
        }
        trial.epochsDone = outcome.epoch();
        Arrays.fill(trial.visited, false);
        trial.visitedInOrder.clear();
        trial.lossSum = 0;
        move(trial, Phase.IDLE);
    }

    /** The trial's state is kept as {@code state} (bytes) while it is paused. */
    public void pause(Trial trial, TrialState state) {
        move(trial, Phase.PAUSED);
        trial.state = state;
    }

    /**
     * Paused {@code trial} takes over paused {@code source}'s state and goes on with
     * {@code config} (population-based training's exploit and explore). States as bytes are
     * immutable, so both may hold the same bytes.
     *
     * @param state the source's state as bytes, or {@link TrialState#NONE} when the trial's next
     *              epoch replays or restores from its own checkpoint (an experiment directory)
     * @throws IllegalStateException unless both are paused at the same epoch
     */
    public void adopt(Trial trial, Trial source, Config config, TrialState state) {
        if (trial.phase != Phase.PAUSED || source.phase != Phase.PAUSED || trial.epochsDone != source.epochsDone
            || !(state instanceof TrialState.Bytes || state instanceof TrialState.None)) {
            throw new IllegalStateException(trial + " cannot take over the state of " + source + ": both must be paused"
                + " at the same epoch, the source's state kept as bytes (it is " + source.state.getClass().getSimpleName()
                + ")");
        }
        trial.state = state;
        trial.config = config;
    }

    /** The trial failed for {@code reason}; its state is gone. */
    public void fail(Trial trial, String reason) {
        trial.failure = reason;
        trial.state = TrialState.NONE;
        move(trial, Phase.FAILED);
    }

    /** The trial ends with {@code end} (a terminal phase); its state is gone. */
    public void end(Trial trial, Phase end) {
        if (!end.terminal()) {
            throw new IllegalArgumentException("end phase=" + end + " expected a terminal one");
        }
        if (end == Phase.FAILED) {
            throw new IllegalArgumentException("a trial fails through fail(trial, reason)");
        }
        trial.state = TrialState.NONE;
        move(trial, end);
    }

    /** The one place a trial's phase changes. */
    private void move(Trial trial, Phase to) {
        if (!ALLOWED.get(trial.phase).contains(to)) {
            throw new IllegalStateException(trial + " cannot go from " + trial.phase + " to " + to);
        }
        phaseCounts[trial.phase.ordinal()]--;
        phaseCounts[to.ordinal()]++;
        if (trial.phase == Phase.QUEUED) {
            queued.remove(trial.id);
        }
        if (to == Phase.QUEUED) {
            queued.add(trial.id);
        }
        trial.phase = to;
    }
}
