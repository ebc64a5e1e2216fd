package org.cerebro.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.cerebro.data.Dataset;
import org.cerebro.exec.CompletedUnit;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.Executor;
import org.cerebro.exec.Placement;
import org.cerebro.exec.TrialProgress;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitJournal;
import org.cerebro.exec.UnitRecord;
import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitRunner;
import org.cerebro.exec.UnitWork;
import org.cerebro.exec.WorkerEvent;
import org.cerebro.experiment.Experiment;
import org.cerebro.plan.Operator;
import org.cerebro.runtime.TrialTable.Phase;
import org.cerebro.runtime.TrialTable.Trial;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime kernel: the one component that runs a search's units, for every executor. The
 * search's driver registers trials, grants them epochs and acts on their outcomes; the kernel
 * owns everything in between:
 * <ul>
 *   <li>the {@link TrialTable}, the one record of each trial's phase, epochs and in-epoch
 *       progress, and of its state between units;</li>
 *   <li>the unit scheduler of the physical operator ({@link MopScheduler} under model hopper
 *       parallelism, {@link TaskParallelScheduler} under task parallelism), and the one dispatch
 *       loop that gives idle workers units and takes completions;</li>
 *   <li>journaling: with an experiment directory every completed unit is durable before it
 *       counts, every epoch outcome is logged before the driver acts on it, and a resumed search
 *       replays the logged outcomes and restores trials from their checkpoints;</li>
 *   <li>failure handling: an exception in user code fails its trial (also when it comes from
 *       pausing or releasing a trial on this thread); an {@link Error} on a worker fails the run,
 *       resumably; a lost worker's unit runs again elsewhere;</li>
 *   <li>cancellation: units in flight finish, nothing new starts.</li>
 * </ul>
 * The {@link Executor} it drives is only a transport: it starts a unit on a worker and reports
 * what happened. The kernel never sees a strategy; strategies never see workers.
 *
 * <p>Threading: one thread (the search's driver) calls every method except {@link #cancel}, which
 * may come from any thread.
 */
public final class Kernel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);
    /** How long one wait for a transport's event lasts before the loop looks again. */
    private static final long POLL_MILLIS = 1_000;

    /**
     * What the kernel runs.
     *
     * @param transport  the executor whose workers run the units
     * @param trainable  what to train
     * @param data       the data's shape
     * @param partitions the training partitions
     * @param validation the validation data
     * @param seed       the search seed: visit orders and scheduling choices derive from it
     * @param operator   the physical operator: {@link Operator#MOP} or {@link Operator#TASK_PARALLEL}
     * @param experiment the experiment directory to journal to and resume from, or null
     * @param observer   told of every completed unit (durable by then) and of workers lost and
     *                   back, on the kernel's thread
     */
    public record Settings(Executor transport, Trainable trainable, DataSpec data, List<Dataset> partitions,
                           Dataset validation, long seed, Operator operator, Experiment experiment,
                           Observer observer) {
        /** Validates. */
        public Settings {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(observer, "observer");
            partitions = List.copyOf(partitions);
        }
    }

    /** What the kernel tells its owner as it runs, on the kernel's thread. */
    @FunctionalInterface
    public interface Observer {
        /** A unit completed (durable by then, with an experiment directory). */
        void unitDone(UnitRecord unit);

        /** Something the user should know that does not stop the search: a worker lost, or back. */
        default void notice(String message) {
        }
    }

    private final Executor transport;
    private final ExecutionContext context;
    private final TrialTable table;
    private final UnitScheduler scheduler;
    private final Experiment experiment;
    private final Observer observer;
    private final UnitWork[] running;
    /** The idle workers of a dispatch, in the order the scheduler asks them (reused). */
    private final int[] idle;
    private final boolean[] down;
    private int inFlight;
    private volatile boolean cancelled;
    private final Deque<EpochOutcome> ready = new ArrayDeque<>();
    /** An earlier run's logged outcomes, in the order it logged them (arrival order). */
    private final List<EpochOutcome> logged;
    /** Logged outcomes not granted yet: (trial, epoch) to their place in {@link #logged}. */
    private final Map<Long, Integer> replayable = new HashMap<>();
    /** Logged outcomes granted and not yet returned, by their place in {@link #logged}. */
    private final java.util.TreeMap<Integer, EpochOutcome> replayGranted = new java.util.TreeMap<>();
    private final Deque<EpochOutcome> recovered = new ArrayDeque<>();
    private final List<UnitRecord> records = new ArrayList<>();
    private int outstanding;
    private final Operator operator;
    /** The workers of the data-parallel epoch in flight (the first leads it), or null. */
    private int[] gang;
    private long unitsRun;
    private double dataParallelSeconds;
    private int dataParallelEpochs;
    /** Trials granted with their state as bytes since the last dispatch. */
    private final java.util.Set<Integer> parked = new java.util.LinkedHashSet<>();

    private Kernel(Settings settings, ExecutionContext context, UnitScheduler scheduler, TrialTable table) {
        this.transport = settings.transport();
        this.context = context;
        this.table = table;
        this.scheduler = scheduler;
        this.experiment = settings.experiment();
        this.observer = settings.observer();
        this.operator = settings.operator();
        this.running = new UnitWork[transport.workers()];
        this.idle = new int[transport.workers()];
        this.down = new boolean[transport.workers()];
        this.logged = experiment == null ? List.of() : experiment.loggedOutcomes();
        for (int i = 0; i < logged.size(); i++) {
            replayable.put(key(logged.get(i).trialId(), logged.get(i).epoch()), i);
        }
    }

    /**
     * Builds the kernel for {@code settings} and opens the transport on the placement the operator
     * needs (MOP: each partition on {@link Executor#replicas()} workers; task parallelism: every
     * partition everywhere).
     *
     * @throws IllegalArgumentException when the transport does not run the operator
     */
    public static Kernel open(Settings settings) {
        Executor transport = settings.transport();
        if (!transport.operators().contains(settings.operator())) {
            throw new IllegalArgumentException("operator=" + settings.operator() + " but executor " + transport.name()
                + " runs only " + transport.operators());
        }
        int workers = transport.workers();
        int partitions = settings.partitions().size();
        TrialTable table = new TrialTable(partitions, settings.seed());
        Placement placement;
        UnitScheduler scheduler;
        switch (settings.operator()) {
            case MOP, DATA_PARALLEL, HYBRID -> { // data-parallel epochs read the partitions where MOP put them
                placement = Placement.replicated(workers, partitions, Math.min(transport.replicas(), workers));
                scheduler = new MopScheduler(table, placement, transport.visitPolicy(), settings.seed());
            }
            case TASK_PARALLEL -> {
                placement = Placement.everywhere(workers, partitions);
                scheduler = new TaskParallelScheduler(table, workers);
            }
            default -> throw new IllegalArgumentException("operator=" + settings.operator() + " is not one the kernel runs");
        }
        UnitJournal journal = settings.experiment() == null ? UnitJournal.NONE : settings.experiment().journal();
        ExecutionContext context = new ExecutionContext(settings.trainable(), settings.data(), settings.partitions(),
            settings.validation(), placement, journal);
        transport.open(context);
        return new Kernel(settings, context, scheduler, table);
    }

    private static long key(int trialId, int epoch) {
        return ((long) trialId << 32) | (epoch & 0xFFFFFFFFL);
    }

    /** The trials: the one record of where each stands. */
    public TrialTable trials() {
        return table;
    }

    /** Outcomes of an earlier run still to replay. */
    public int replaying() {
        return replayable.size() + replayGranted.size();
    }

    /**
     * An earlier run's logged outcomes this run has not granted (yet): at the search's end, epochs
     * the recorded search trained and this one did not, in log order.
     */
    public List<EpochOutcome> notReplayed() {
        List<EpochOutcome> left = new ArrayList<>();
        for (int i : new java.util.TreeSet<>(replayable.values())) {
            left.add(logged.get(i));
        }
        return left;
    }

    /** Units this run completed (trained or failed): a data-parallel epoch is one unit over several workers. */
    public long unitsRun() {
        return unitsRun;
    }

    /** Data-parallel epochs this run completed, and the seconds they took (wall time, all their workers at once). */
    public String dataParallelSummary() {
        return dataParallelEpochs + " data-parallel epoch(s) in " + String.format(java.util.Locale.ROOT, "%.2f s",
            dataParallelSeconds);
    }

    /** Data-parallel epochs this run completed. */
    public int dataParallelEpochs() {
        return dataParallelEpochs;
    }

    /**
     * Every unit this run ran (trained or failed), with its worker and times, in completion order;
     * a data-parallel epoch has a record per worker, each with partition {@link UnitRecord#ALL_PARTITIONS}.
     */
    public List<UnitRecord> units() {
        return Collections.unmodifiableList(records);
    }

    /**
     * Registers a new trial (and records it in the experiment directory, or checks that a
     * recorded one is the same trial).
     */
    public Trial start(int trialId, Config config, long trialSeed) {
        Trial trial = table.register(trialId, config, trialSeed);
        if (experiment != null) {
            experiment.trialStarted(trialId, config, trialSeed);
        }
        return trial;
    }

    /**
     * Grants a trial its next epoch: it is replayed from the experiment's log when an earlier run
     * logged it, taken as recorded when its last unit was durable but not yet acted on, and
     * otherwise run, from the trial's checkpoint when this run has no state of it. A paused
     * trial whose state could not be kept ends the epoch failed at once.
     */
    public void runEpoch(int trialId) {
        runEpoch(trialId, 0);
    }

    /**
     * As {@link #runEpoch(int)}, at {@code priority}: while it waits, workers serve queued trials
     * of lower priority first (the search passes each epoch's predicted finish, so the outcome
     * the strategy needs next is the one trained first).
     */
    public void runEpoch(int trialId, double priority) {
        Trial trial = table.get(trialId);
        int epoch = trial.epochsDone() + 1;
        outstanding++;
        if (trial.phase() == Phase.FAILED) {
            ready.add(new EpochOutcome(trialId, epoch, null, Double.NaN, trial.failure(), List.of()));
            return;
        }
        Integer logPlace = replayable.remove(key(trialId, epoch));
        if (logPlace != null) {
            table.grant(trial, priority);
            replayGranted.put(logPlace, logged.get(logPlace));
            return;
        }
        if (experiment != null && trial.state() instanceof TrialState.None) {
            EpochOutcome done = experiment.recordedOutcome(trialId, epoch);
            if (done != null) { // its last unit was durable; the earlier run ended before acting on it
                table.grant(trial, priority);
                recovered.add(done);
                return;
            }
            TrialProgress progress = experiment.progress(trialId);
            if (progress != null) {
                if (progress.epochsDone() != epoch - 1) {
                    throw new IllegalStateException("experiment dir " + experiment.dir() + ": trial=" + trialId + " epoch="
                        + epoch + " is due but its checkpoint has " + progress.epochsDone() + " epochs done");
                }
                table.restore(trial, progress);
            } else if (epoch != 1) {
                throw new IllegalStateException("experiment dir " + experiment.dir() + ": trial=" + trialId + " epoch="
                    + epoch + " is due but the directory holds no checkpoint of it");
            }
        }
        table.grant(trial, priority);
        scheduler.offer(trial);
        if (trial.state() instanceof TrialState.Bytes) {
            parked.add(trialId); // restored ahead of its unit if it waits for a worker
        }
    }

    /**
     * The next epoch outcome: a logged one of an epoch granted (the first logged of those), then
     * recovered ones, then those of units run here. Each is recorded in the table (the trial goes
     * idle, or failed) and logged in the experiment directory before it is returned. A logged
     * outcome waits until its epoch is granted, so a search whose outcomes reach its strategy in
     * another order than the recorded run's (the log keeps arrival order) still replays it.
     *
     * @return the outcome, or null once a cancelled search has drained its units in flight
     * @throws IllegalStateException when a worker fails fatally (the cause), or no worker can run what is queued
     */
    public EpochOutcome next() throws InterruptedException {
        Map.Entry<Integer, EpochOutcome> replayed = replayGranted.pollFirstEntry();
        if (replayed != null) {
            EpochOutcome outcome = replayed.getValue();
            table.endEpoch(table.get(outcome.trialId()), outcome);
            outstanding--;
            return outcome;
        }
        EpochOutcome outcome = recovered.poll();
        if (outcome != null) {
            table.endEpoch(table.get(outcome.trialId()), outcome);
        } else {
            outcome = runUntilAnOutcome();
        }
        if (outcome != null && experiment != null) {
            experiment.appendOutcome(outcome);
        }
        if (outcome != null) {
            outstanding--;
        }
        return outcome;
    }

    /** Epochs granted whose outcome {@link #next()} has not returned yet: the trials in hand. */
    public int outstanding() {
        return outstanding;
    }

    private EpochOutcome runUntilAnOutcome() throws InterruptedException {
        while (ready.isEmpty()) {
            if (!cancelled) {
                dispatch();
            }
            if (inFlight > 0) {
                WorkerEvent event = transport.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (event != null) {
                    handle(event);
                }
                continue;
            }
            if (cancelled) {
                return null;
            }
            waitForLostWorkers();
        }
        return ready.poll();
    }

    /** Nothing runs yet trials are queued: only lost workers can run them. Waits for one to come back. */
    private void waitForLostWorkers() throws InterruptedException {
        List<Integer> queued = table.all().stream().filter(t -> t.phase() == Phase.QUEUED)
            .map(Trial::id).toList(); // granted replays never get here: next() returns them first
        if (queued.isEmpty()) {
            throw new IllegalStateException("next() with no epoch granted: the driver must run an epoch first");
        }
        List<Integer> lost = lostWorkers();
        if (lost.isEmpty()) {
            throw new IllegalStateException("trials " + queued + " have epochs queued but no worker of "
                + transport.name() + " can run them (placement " + context.placement() + ")");
        }
        long waitMillis = transport.rejoinWaitMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (true) {
            long left = deadline - System.nanoTime();
            WorkerEvent event = left <= 0 ? null : transport.poll(left, TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new IllegalStateException("no live worker holds the partitions the queued trials " + queued
                    + " need; workers lost: " + lostWorkers() + " of " + transport.name() + ", none back within "
                    + waitMillis + " ms (placement " + context.placement() + ")");
            }
            handle(event);
            if (event instanceof WorkerEvent.Joined) {
                return;
            }
        }
    }

    private List<Integer> lostWorkers() {
        List<Integer> lost = new ArrayList<>();
        for (int w = 0; w < down.length; w++) {
            if (down[w]) {
                lost.add(w);
            }
        }
        return lost;
    }

    /**
     * Gives every idle worker that is up the unit its scheduler picks; under a data-parallel or
     * hybrid operator, first sees whether the next epoch runs data-parallel on every live worker
     * (then it waits until they are all idle, starting nothing else).
     */
    private void dispatch() {
        if (gang != null) {
            return; // every live worker is in the data-parallel epoch
        }
        if (operator == Operator.DATA_PARALLEL || operator == Operator.HYBRID) {
            Trial next = dataParallelNext();
            if (next != null) {
                if (allLiveIdle()) {
                    launchDataParallel(next);
                }
                return;
            }
        }
        int count = 0;
        for (int w = 0; w < running.length; w++) {
            if (running[w] == null && !down[w]) {
                idle[count++] = w;
            }
        }
        if (count > 1) {
            scheduler.orderIdle(idle, count);
        }
        for (int i = 0; i < count; i++) {
            Unit unit = scheduler.next(idle[i]);
            if (unit != null) {
                launch(unit);
            }
        }
        if (!parked.isEmpty()) {
            prefetchParked();
        }
    }

    /**
     * Trials granted with their state as bytes that still wait for a worker: the transport may
     * restore them now, off the workers' threads, so their units start from live states.
     */
    private void prefetchParked() {
        for (int trialId : parked) {
            Trial trial = table.get(trialId);
            if (trial.phase() == Phase.QUEUED && trial.state() instanceof TrialState.Bytes bytes) {
                transport.prefetch(trialId, trial.config(), bytes);
            }
        }
        parked.clear();
    }

    /** A prefetched state replaces the trial's bytes if its unit has not started from them meanwhile. */
    private void prefetched(WorkerEvent.Prefetched prefetched) {
        if (prefetched.state() == null) {
            LOG.debug("trial {}: restoring its state ahead of its unit failed ({}); the unit restores it", prefetched
                .trialId(), prefetched.failure());
            return;
        }
        Trial trial = table.get(prefetched.trialId());
        if (!table.prefetched(trial, prefetched.from(), new TrialState.Live(prefetched.state()))) {
            String failure = closeQuietly(prefetched.state());
            if (failure != null) {
                LOG.warn("trial {}: freeing a prefetched state not needed: {}", prefetched.trialId(), failure);
            }
        }
    }

    /**
     * The trial whose next epoch runs data-parallel, or null: under DATA_PARALLEL every epoch
     * (lowest trial id first); under HYBRID only while so few trials are in hand that MOP would
     * leave at least half the live workers idle (2 x trials <= workers), so the narrow tail of a
     * search uses every worker and a wide stage hops.
     */
    private Trial dataParallelNext() {
        int live = liveWorkers();
        if (live < 1) {
            return null;
        }
        if (operator == Operator.HYBRID) {
            int inHand = table.count(Phase.QUEUED) + table.count(Phase.TRAINING);
            if (live < 2 || 2 * inHand > live) {
                return null;
            }
        }
        Trial trial = table.firstQueuedAtEpochStart();
        return trial != null && owners(trial) != null ? trial : null;
    }

    private int liveWorkers() {
        int live = 0;
        for (boolean isDown : down) {
            live += isDown ? 0 : 1;
        }
        return live;
    }

    private boolean allLiveIdle() {
        for (int w = 0; w < running.length; w++) {
            if (!down[w] && running[w] != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Which live worker trains each partition in a data-parallel epoch: a holder of it (the
     * placement), the least loaded first, ties to the lower index; null when a partition has no
     * live holder.
     */
    private int[] owners(Trial trial) {
        int[] owner = new int[table.partitions()];
        int[] load = new int[running.length];
        for (int p = 0; p < owner.length; p++) {
            int best = -1;
            for (int w : context.placement().workersOf(p)) {
                if (!down[w] && (best < 0 || load[w] < load[best] || load[w] == load[best] && w < best)) {
                    best = w;
                }
            }
            if (best < 0) {
                return null;
            }
            owner[p] = best;
            load[best]++;
        }
        return owner;
    }

    /** Starts {@code trial}'s next epoch on every live worker that owns a partition, data-parallel. */
    private void launchDataParallel(Trial trial) {
        int[] owner = owners(trial);
        int[] workers = java.util.Arrays.stream(owner).distinct().sorted().toArray();
        TrialState state = trial.state();
        boolean handedOver = state instanceof TrialState.Live;
        scheduler.withdraw(trial);
        table.started(trial, workers[0], handedOver);
        UnitWork work = new UnitWork(trial.id(), trial.epochsDone() + 1, UnitRecord.ALL_PARTITIONS, trial.config(),
            trial.seed(), state, true);
        for (int w : workers) {
            running[w] = work;
        }
        gang = workers;
        inFlight++;
        transport.startDataParallel(workers, work, owner);
    }

    private void launch(Unit unit) {
        Trial trial = table.get(unit.trial());
        TrialState state = trial.state();
        boolean handedOver = state instanceof TrialState.Live;
        if (handedOver && !transport.sharesMemory()) {
            throw new IllegalStateException(trial + " has a live state but " + transport.name()
                + " runs units in other processes");
        }
        table.started(trial, unit.worker(), handedOver);
        UnitWork work = new UnitWork(trial.id(), unit.epoch(), unit.partition(), trial.config(), trial.seed(), state,
            trial.visitedThisEpoch().size() == table.partitions() - 1);
        running[unit.worker()] = work;
        inFlight++;
        transport.start(unit.worker(), work);
    }

    private void handle(WorkerEvent event) {
        if (event instanceof WorkerEvent.UnitDone done) {
            unitDone(done);
        } else if (event instanceof WorkerEvent.Lost lost) {
            workerLost(lost);
        } else if (event instanceof WorkerEvent.Prefetched ahead) {
            prefetched(ahead);
        } else if (event instanceof WorkerEvent.Joined joined) {
            down[joined.worker()] = false;
            LOG.info("worker {} of {} is back", joined.worker(), transport.name());
            observer.notice("worker " + joined.worker() + " of " + transport.name() + " rejoined");
        }
    }

    private void unitDone(WorkerEvent.UnitDone done) {
        if (done.work().partition() == UnitRecord.ALL_PARTITIONS) {
            dataParallelDone(done);
            return;
        }
        int w = done.worker();
        UnitWork work = done.work();
        if (running[w] == null || running[w].trialId() != work.trialId() || running[w].partition() != work.partition()) {
            LOG.debug("ignoring a late result from worker {} for trial {}: its unit was re-queued", w, work.trialId());
            return;
        }
        running[w] = null;
        inFlight--;
        UnitResult result = done.result();
        Trial trial = table.get(work.trialId());
        double seconds = result.succeeded() ? (result.endNanos() - result.startNanos()) / 1e9 : Double.NaN;
        scheduler.ran(new Unit(work.trialId(), work.epoch(), work.partition(), w), seconds, transport.nanoTime() / 1e9);
        if (result.fatal() != null) {
            cancel(); // nothing more starts; close() lets the units in flight end
            throw new IllegalStateException("worker=" + w + " of " + transport.name() + " failed on trial="
                + work.trialId() + " epoch=" + work.epoch() + " partition=" + work.partition() + ": " + result.fatal()
                + "; the run stops (units completed before are kept in the experiment directory, if any: run the"
                + " search again to resume)", result.fatal());
        }
        UnitRecord record = new UnitRecord(work.trialId(), work.epoch(), work.partition(), w, result.startNanos(),
            result.endNanos());
        records.add(record);
        unitsRun++;
        if (!result.succeeded()) {
            List<Integer> visited = new ArrayList<>(trial.visitedThisEpoch());
            visited.add(work.partition());
            EpochOutcome failed = new EpochOutcome(trial.id(), work.epoch(), null, Double.NaN, result.failure(), visited);
            scheduler.withdraw(trial);
            table.endEpoch(trial, failed);
            ready.add(failed);
            return;
        }
        Dataset partition = context.partitions().get(work.partition());
        boolean epochOver = table.unitDone(trial, work.partition(), result.loss() * partition.size(), result.state());
        // durable (with an experiment directory) before the trial moves on
        context.journal().unitDone(new CompletedUnit(record, trial.visitedThisEpoch(), trial.lossSum(),
            result.metrics(), result.checkpoint()));
        observer.unitDone(record);
        if (!epochOver) {
            scheduler.offer(trial);
            return;
        }
        EpochOutcome outcome = new EpochOutcome(trial.id(), work.epoch(), result.metrics(),
            trial.lossSum() / context.trainingRecords(), null, trial.visitedThisEpoch());
        scheduler.withdraw(trial);
        table.endEpoch(trial, outcome);
        ready.add(outcome);
    }

    /** A data-parallel epoch ended: it is one unit, recorded on each of its workers, closing the epoch. */
    private void dataParallelDone(WorkerEvent.UnitDone done) {
        UnitWork work = done.work();
        if (gang == null || running[gang[0]] != work) {
            LOG.debug("ignoring a late data-parallel result for trial {}: its epoch was re-queued", work.trialId());
            return;
        }
        int[] workers = gang;
        gang = null;
        for (int w : workers) {
            running[w] = null;
        }
        inFlight--;
        UnitResult result = done.result();
        Trial trial = table.get(work.trialId());
        if (result.fatal() != null) {
            cancel();
            throw new IllegalStateException("a data-parallel epoch on workers " + java.util.Arrays.toString(workers)
                + " of " + transport.name() + " failed on trial=" + work.trialId() + " epoch=" + work.epoch() + ": "
                + result.fatal() + "; the run stops (units completed before are kept in the experiment directory, if"
                + " any: run the search again to resume)", result.fatal());
        }
        UnitRecord lead = null;
        for (int w : workers) {
            UnitRecord record = new UnitRecord(work.trialId(), work.epoch(), UnitRecord.ALL_PARTITIONS, w,
                result.startNanos(), result.endNanos());
            records.add(record);
            lead = lead == null ? record : lead;
        }
        unitsRun++;
        dataParallelEpochs++;
        dataParallelSeconds += (result.endNanos() - result.startNanos()) / 1e9;
        List<Integer> all = new ArrayList<>();
        for (int p = 0; p < table.partitions(); p++) {
            all.add(p);
        }
        if (!result.succeeded()) {
            EpochOutcome failed = new EpochOutcome(trial.id(), work.epoch(), null, Double.NaN, result.failure(), all);
            table.endEpoch(trial, failed);
            ready.add(failed);
            return;
        }
        double lossSum = result.loss() * context.trainingRecords();
        table.dataParallelDone(trial, lossSum, result.state());
        context.journal().unitDone(new CompletedUnit(lead, trial.visitedThisEpoch(), trial.lossSum(), result.metrics(),
            result.checkpoint()));
        for (int i = records.size() - workers.length; i < records.size(); i++) {
            observer.unitDone(records.get(i));
        }
        EpochOutcome outcome = new EpochOutcome(trial.id(), work.epoch(), result.metrics(),
            trial.lossSum() / context.trainingRecords(), null, trial.visitedThisEpoch());
        table.endEpoch(trial, outcome);
        ready.add(outcome);
    }

    private void workerLost(WorkerEvent.Lost lost) {
        int w = lost.worker();
        if (down[w]) {
            return;
        }
        down[w] = true;
        LOG.warn("worker {} of {} lost: {}", w, transport.name(), lost.reason());
        UnitWork work = running[w];
        boolean dataParallel = gang != null && work != null && work.partition() == UnitRecord.ALL_PARTITIONS;
        observer.notice("worker " + w + " of " + transport.name() + " lost: " + lost.reason() + (work == null ? ""
            : dataParallel ? "; its data-parallel epoch (trial " + work.trialId() + " epoch " + work.epoch()
            + ") runs again from the state before it"
            : "; its unit (trial " + work.trialId() + " epoch " + work.epoch() + " partition " + work.partition()
            + ") runs again on another worker"));
        if (work == null) {
            return;
        }
        if (dataParallel) { // the epoch's other workers are idle again
            for (int member : gang) {
                running[member] = null;
            }
            gang = null;
        } else {
            running[w] = null;
        }
        inFlight--;
        Trial trial = table.get(work.trialId());
        if (work.state() instanceof TrialState.Live) {
            throw new IllegalStateException("worker=" + w + " was lost with the only copy of trial=" + trial.id()
                + "'s state: " + lost.reason());
        }
        table.unitLost(trial);
        if (dataParallel) {
            scheduler.offer(trial);
        } else {
            scheduler.lost(new Unit(work.trialId(), work.epoch(), work.partition(), w), trial);
        }
        LOG.warn("trial {} epoch {} {} re-queued", work.trialId(), work.epoch(),
            dataParallel ? "(data-parallel)" : "partition " + work.partition());
    }

    /**
     * Pauses an idle trial: its state leaves memory as bytes. When the trainable cannot serialise
     * it, the trial fails (its next epoch, if the strategy resumes it, ends failed at once).
     */
    public void pause(int trialId) {
        Trial trial = table.get(trialId);
        TrialState state = trial.state();
        if (state instanceof TrialState.Live live) {
            TrainableState object = live.state();
            byte[] bytes;
            try {
                bytes = object.toBytes();
            } catch (RuntimeException e) {
                failQuietly(trial, "cannot pause: toBytes() threw " + UnitRunner.describe(e), object);
                return;
            } catch (Error e) {
                throw fatal(trial, "toBytes() while pausing it", e);
            }
            String closeFailure = closeQuietly(object);
            if (closeFailure != null) {
                table.fail(trial, "cannot pause: " + closeFailure);
                return;
            }
            state = new TrialState.Bytes(bytes);
        }
        scheduler.withdraw(trial);
        table.pause(trial, state);
    }

    /**
     * Paused trial {@code trialId} takes over paused trial {@code sourceId}'s state and goes on
     * with {@code config}: its next unit restores the source's state under the new config. With an
     * experiment directory the takeover is recorded (the trial's checkpoint becomes a copy of the
     * source's state) before the trial runs again, unless the directory has it already; while an
     * earlier run's epochs replay, only the config changes.
     *
     * @throws IllegalStateException unless both are paused at one epoch, the source's state kept
     */
    public void exploit(int trialId, int sourceId, Config config) {
        Trial trial = table.get(trialId);
        Trial source = table.get(sourceId);
        TrialState state = source.state();
        if (experiment == null && !(state instanceof TrialState.Bytes)) {
            throw new IllegalStateException("trial=" + trialId + " cannot take over trial=" + sourceId + "'s state: it is"
                + " not kept as bytes (" + source + ")");
        }
        if (experiment != null && !replayable.containsKey(key(trialId, trial.epochsDone() + 1))) {
            byte[] bytes = state instanceof TrialState.Bytes b ? b.bytes() : null;
            if (!experiment.trialAdopted(trialId, sourceId, trial.epochsDone(), config, bytes) || bytes == null) {
                state = TrialState.NONE; // its next unit reads the trial's own checkpoint
            }
        } else if (experiment != null) {
            state = TrialState.NONE; // its next epoch replays
        }
        table.adopt(trial, source, config, state);
    }

    /**
     * Fails an idle trial for {@code reason} (a rule of the search's, such as a divergence limit)
     * and frees its state.
     */
    public void fail(int trialId, String reason) {
        Trial trial = table.get(trialId);
        if (trial.phase().terminal()) {
            return;
        }
        if (trial.state() instanceof TrialState.Live live) {
            failQuietly(trial, reason, live.state());
        } else {
            scheduler.withdraw(trial);
            table.fail(trial, reason);
        }
        if (experiment != null) {
            experiment.trialEnded(trialId, "failed");
        }
    }

    /**
     * The state of an idle, paused or ended-at-an-epoch trial as bytes, without freeing it: to keep
     * its model. When the trainable cannot serialise it the trial fails (it is then never a best
     * model) and this returns null; also null when the state is gone.
     */
    public byte[] snapshot(int trialId) {
        Trial trial = table.get(trialId);
        if (trial.state() instanceof TrialState.Bytes bytes) {
            return bytes.bytes();
        }
        if (trial.state() instanceof TrialState.Live live) {
            try {
                return live.state().toBytes();
            } catch (RuntimeException e) {
                failQuietly(trial, "cannot keep its model: toBytes() threw " + UnitRunner.describe(e), live.state());
                return null;
            } catch (Error e) {
                throw fatal(trial, "toBytes() while keeping its model", e);
            }
        }
        return null;
    }

    /**
     * Ends a trial with {@code end} (completed, stopped or cancelled) and frees its state, or, for
     * a trial that failed already, records its end. When freeing the state throws, the trial
     * fails instead; the search goes on.
     */
    public void end(int trialId, Phase end) {
        Trial trial = table.get(trialId);
        if (!trial.phase().terminal()) {
            scheduler.withdraw(trial);
            String closeFailure = trial.state() instanceof TrialState.Live live ? closeQuietly(live.state()) : null;
            if (closeFailure != null) {
                table.fail(trial, "cannot release the trial's state: " + closeFailure);
            } else {
                table.end(trial, end);
            }
        }
        if (experiment != null && trial.phase() != Phase.CANCELLED) { // a cancelled run's trials end only for this run
            experiment.trialEnded(trialId, trial.phase().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private void failQuietly(Trial trial, String reason, TrainableState state) {
        String closeFailure = closeQuietly(state);
        scheduler.withdraw(trial);
        table.fail(trial, closeFailure == null ? reason : reason + "; then " + closeFailure);
    }

    private static String closeQuietly(TrainableState state) {
        try {
            state.close();
            return null;
        } catch (RuntimeException e) {
            return "close() threw " + UnitRunner.describe(e);
        }
    }

    /** An {@link Error} in user code on this thread ends the run, saying where; the experiment directory resumes it. */
    private IllegalStateException fatal(Trial trial, String what, Error e) {
        cancel();
        return new IllegalStateException("trial=" + trial.id() + ": " + what + " threw " + e + "; the run stops (units"
            + " completed before are kept in the experiment directory, if any: run the search again to resume)", e);
    }

    /** Stops starting units: those in flight finish, then {@link #next()} returns null. Any thread. */
    public void cancel() {
        cancelled = true;
        transport.cancel();
    }

    /** Whether the search was cancelled. */
    public boolean cancelled() {
        return cancelled;
    }

    /** Closes the transport and frees every state still live. */
    @Override
    public void close() {
        try {
            transport.close();
        } finally {
            for (Trial trial : table.all()) {
                if (trial.state() instanceof TrialState.Live live) {
                    String failure = closeQuietly(live.state());
                    if (failure != null) {
                        LOG.warn("trial {}: freeing its state at the end of the search: {}", trial.id(), failure);
                    }
                }
            }
        }
    }
}
