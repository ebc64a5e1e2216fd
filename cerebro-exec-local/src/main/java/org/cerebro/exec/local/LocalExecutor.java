package org.cerebro.exec.local;

import ai.djl.util.cuda.CudaUtils;
import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.EnumSet;
import java.util.Set;
import org.cerebro.exec.EpochLedger;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.EpochTask;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.Executor;
import org.cerebro.exec.TrialProgress;
import org.cerebro.exec.UnitRecord;
import org.cerebro.exec.WorkerDevice;
import org.cerebro.plan.Operator;
import org.cerebro.optimizer.schedule.EpochScheduler;
import org.cerebro.optimizer.schedule.MopScheduler;
import org.cerebro.optimizer.schedule.Placement;
import org.cerebro.optimizer.schedule.TaskParallelScheduler;
import org.cerebro.optimizer.schedule.Unit;
import org.cerebro.train.TrainableState;

/**
 * Runs a search on this machine's devices: one worker thread per device. Under model hopper
 * parallelism (the default plan) partition {@code i} is resident on worker {@code i mod n} and
 * the optimizer's {@link MopScheduler} chooses which trial each idle worker trains next; under
 * task parallelism ({@link TaskParallelScheduler}) a worker trains a trial's whole epochs, reading
 * every partition from the one shared off-heap copy. By default the visit order is fixed per
 * (seed, trial, epoch), so a search gives the same per-trial results however the threads are
 * timed, and under either operator; {@link #freeOrder()} lets a trial take any partition it still
 * needs (the paper's scheduler), faster when trials barely outnumber workers but timing-dependent.
 *
 * <p>A hop is a hand-over of the state object from one worker thread to the next through the
 * rings: on CPU workers it copies nothing. Paused trials leave memory as the bytes of their state;
 * stopped ones are freed. With an experiment directory each worker checkpoints the state after
 * its unit (in parallel with the other workers' training), and the unit counts only once the
 * search's journal has recorded it. An exception in user code fails its trial; an {@link Error}
 * such as {@link OutOfMemoryError} in a worker ends the run with that error as the cause.
 * GPU workers ({@link #gpus()}) bind each worker's trainable to its device through
 * {@link org.cerebro.train.Trainable#onDevice}; that path is the same code but untested here,
 * where no GPU exists.
 *
 * <p>Threading: every public method is called by the one driver thread, which is also the
 * scheduler: it dispatches units to each worker's single-producer Disruptor ring and takes
 * completions from one multi-producer ring that all workers publish to; the ring publication is
 * the happens-before edge that hands a trial's state between threads. Workers only run units.
 * Not reusable: one search per executor.
 */
public final class LocalExecutor implements Executor {
    private final List<WorkerDevice> devices;
    private final MopScheduler.VisitPolicy policy;

    private ExecutionContext context;
    private EpochScheduler scheduler;
    private int partitions;
    private final List<Disruptor<UnitEvent>> dispatch = new ArrayList<>();
    private RingBuffer<UnitEvent> completions;
    private Sequence consumed;
    private SequenceBarrier barrier;
    private boolean[] busy;
    private int inFlight;
    private volatile boolean cancelled;
    private final Map<Integer, TrainableState> idle = new HashMap<>();
    private final Map<Integer, byte[]> parked = new HashMap<>();
    private EpochLedger ledger;
    private final Deque<EpochOutcome> ready = new ArrayDeque<>();
    private final List<UnitRecord> records = new ArrayList<>();

    private LocalExecutor(List<WorkerDevice> devices, MopScheduler.VisitPolicy policy) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a local executor needs at least one worker");
        }
        this.devices = List.copyOf(devices);
        this.policy = policy;
    }

    /** {@code n} CPU workers; the trainable splits the cores' intra-op threads between them. */
    public static LocalExecutor cpus(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("cpus(n) n=" + n + " expected>=1");
        }
        return new LocalExecutor(Collections.nCopies(n, WorkerDevice.CPU), MopScheduler.VisitPolicy.FIXED);
    }

    /** One worker per listed GPU index. */
    public static LocalExecutor gpus(int... indices) {
        List<WorkerDevice> devices = new ArrayList<>();
        for (int index : indices) {
            if (index < 0) {
                throw new IllegalArgumentException("gpu index=" + index + " expected>=0");
            }
            devices.add(WorkerDevice.gpu(index));
        }
        return new LocalExecutor(devices, MopScheduler.VisitPolicy.FIXED);
    }

    /** One worker per GPU that CUDA reports. */
    public static LocalExecutor gpus() {
        int count = CudaUtils.getGpuCount();
        if (count == 0) {
            throw new IllegalStateException("gpus(): CUDA reports no GPU on this machine; use cpus(n) or auto()");
        }
        int[] indices = new int[count];
        java.util.Arrays.setAll(indices, i -> i);
        return gpus(indices);
    }

    /** GPUs if CUDA reports any, otherwise one CPU worker per core. */
    public static LocalExecutor auto() {
        return CudaUtils.getGpuCount() > 0 ? gpus() : cpus(Runtime.getRuntime().availableProcessors());
    }

    /**
     * The same executor with the free visit order: any partition a trial still needs this epoch.
     * Faster when trials barely outnumber workers, but results then depend on thread timing.
     */
    public LocalExecutor freeOrder() {
        return new LocalExecutor(devices, MopScheduler.VisitPolicy.FREE);
    }

    @Override
    public String name() {
        return "local " + devices.size() + "x" + deviceKind() + (policy == MopScheduler.VisitPolicy.FREE ? " free-order" : "");
    }

    @Override
    public String deviceKind() {
        return devices.get(0).kind();
    }

    /** Model hopper parallelism and task parallelism (each worker trains whole trials; no hops). */
    @Override
    public Set<Operator> operators() {
        return EnumSet.of(Operator.MOP, Operator.TASK_PARALLEL);
    }

    @Override
    public int workers() {
        return devices.size();
    }

    @Override
    public void open(ExecutionContext context) {
        if (this.context != null) {
            throw new IllegalStateException("executor already opened: an executor runs one search");
        }
        this.context = context;
        int n = devices.size();
        partitions = context.partitions().size();
        ledger = new EpochLedger(context.trainingRecords());
        scheduler = switch (context.operator()) {
            case MOP -> new MopScheduler(Placement.replicated(n, partitions, 1), policy, context.seed());
            case TASK_PARALLEL -> new TaskParallelScheduler(n, partitions, context.seed());
            default -> throw new IllegalArgumentException("operator=" + context.operator() + " expected one of "
                + operators() + ": the search falls back to MOP for the others");
        };
        context.trainable().configureWorkers(n);
        completions = RingBuffer.createMultiProducer(UnitEvent::new, ringSize(2 * n), new BlockingWaitStrategy());
        consumed = new Sequence(-1);
        completions.addGatingSequences(consumed);
        barrier = completions.newBarrier();
        busy = new boolean[n];
        for (int w = 0; w < n; w++) {
            int index = w;
            Disruptor<UnitEvent> ring = new Disruptor<>(UnitEvent::new, 4, runnable -> {
                Thread thread = new Thread(runnable, "cerebro-worker-" + index);
                thread.setDaemon(true);
                return thread;
            }, ProducerType.SINGLE, new BlockingWaitStrategy());
            ring.handleEventsWith(new Worker(w, context.trainable().onDevice(devices.get(w)), context, completions));
            ring.start();
            dispatch.add(ring);
        }
    }

    private static int ringSize(int atLeast) {
        return Integer.highestOneBit(Math.max(2, atLeast - 1)) << 1;
    }

    @Override
    public void submit(EpochTask task) {
        checkOpen();
        scheduler.runEpoch(task.trialId(), task.epoch(), ledger.submit(task));
    }

    /** Stops dispatching: units in flight finish, then {@link #take()} returns null. */
    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public EpochOutcome take() throws InterruptedException {
        checkOpen();
        while (ready.isEmpty()) {
            if (!cancelled) {
                dispatchToIdleWorkers();
            }
            if (inFlight == 0) {
                if (cancelled) {
                    return null;
                }
                throw new IllegalStateException("take() with no task submitted");
            }
            handle(awaitCompletion());
        }
        return ready.poll();
    }

    private void dispatchToIdleWorkers() {
        for (int w = 0; w < busy.length; w++) {
            if (busy[w]) {
                continue;
            }
            Unit unit = scheduler.next(w);
            if (unit == null) {
                continue;
            }
            EpochTask task = ledger.task(unit.trial());
            RingBuffer<UnitEvent> ring = dispatch.get(w).getRingBuffer();
            long slot = ring.next();
            UnitEvent event = ring.get(slot);
            event.trialId = unit.trial();
            event.epoch = unit.epoch() + 1;
            event.partition = unit.partition();
            event.worker = w;
            event.lastOfEpoch = scheduler.visitedThisEpoch(unit.trial()) == partitions - 1;
            event.config = task.config();
            event.trialSeed = task.trialSeed();
            event.state = idle.remove(unit.trial());
            event.restoreBytes = event.state == null ? parked.remove(unit.trial()) : null;
            ring.publish(slot);
            busy[w] = true;
            inFlight++;
        }
    }

    private UnitEvent awaitCompletion() throws InterruptedException {
        long next = consumed.get() + 1;
        try {
            // With several producers the cursor can pass a slot that is claimed but not yet
            // published: waitFor then returns less than asked, and the slot must not be read yet.
            while (barrier.waitFor(next) < next) {
                Thread.onSpinWait();
            }
        } catch (AlertException | TimeoutException e) {
            throw new IllegalStateException("completion ring stopped", e);
        }
        UnitEvent slot = completions.get(next);
        UnitEvent done = new UnitEvent();
        done.copyFrom(slot);
        slot.clearReferences();
        consumed.set(next);
        return done;
    }

    private void handle(UnitEvent done) {
        int t = done.trialId;
        busy[done.worker] = false;
        inFlight--;
        if (done.fatal != null) {
            cancelled = true; // nothing more starts; close() lets the units in flight end
            throw new IllegalStateException("worker=" + done.worker + " failed on trial=" + t + " epoch=" + done.epoch
                + " partition=" + done.partition + ": " + done.fatal + "; the run stops (units completed before"
                + " are kept in the experiment directory, if any: run the search again to resume)", done.fatal);
        }
        UnitRecord record = new UnitRecord(t, done.epoch, done.partition, done.worker, done.startNanos, done.endNanos);
        records.add(record);
        Unit unit = new Unit(t, done.epoch - 1, done.partition, done.worker);
        if (done.failure != null) {
            scheduler.lost(unit);
            scheduler.retire(t);
            if (done.state != null) {
                done.state.close();
            }
            ready.add(ledger.failed(t, done.epoch, done.partition, done.failure));
            return;
        }
        idle.put(t, done.state);
        // durable (with an experiment directory) before the scheduler counts it and moves the trial on
        context.journal().unitDone(ledger.unitDone(record, done.loss, context.partitions().get(done.partition).size(),
            done.metrics, done.checkpoint));
        if (scheduler.completeUnit(unit)) {
            ready.add(ledger.epochDone(t, done.epoch, done.metrics));
        }
    }

    @Override
    public void park(int trialId) {
        TrainableState state = idle.remove(trialId);
        if (state != null) {
            parked.put(trialId, state.toBytes());
            state.close();
        }
    }

    @Override
    public void restore(int trialId, TrialProgress progress) {
        checkOpen();
        if (scheduler.knows(trialId)) {
            throw new IllegalStateException("trial=" + trialId + " is already known to this executor: restore it"
                + " before its first submit");
        }
        ledger.restore(trialId, progress);
        parked.put(trialId, progress.state());
    }

    @Override
    public void release(int trialId) {
        TrainableState state = idle.remove(trialId);
        if (state != null) {
            state.close();
        }
        parked.remove(trialId);
        if (scheduler != null) {
            scheduler.retire(trialId);
            ledger.forget(trialId);
        }
    }

    @Override
    public List<UnitRecord> unitRecords() {
        return Collections.unmodifiableList(records);
    }

    @Override
    public long unitsRun() {
        return records.size();
    }

    @Override
    public void close() {
        for (Disruptor<UnitEvent> ring : dispatch) {
            try {
                ring.shutdown(30, TimeUnit.SECONDS); // lets a unit in flight finish
            } catch (TimeoutException e) {
                ring.halt();
            }
        }
        dispatch.clear();
        idle.values().stream().filter(java.util.Objects::nonNull).forEach(TrainableState::close);
        idle.clear();
        parked.clear();
    }

    private void checkOpen() {
        if (context == null) {
            throw new IllegalStateException("executor not opened");
        }
    }
}
