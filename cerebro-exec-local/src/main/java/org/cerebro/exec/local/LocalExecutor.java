package org.cerebro.exec.local;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.cerebro.data.Dataset;
import org.cerebro.exec.DataParallelGroup;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.Executor;
import org.cerebro.exec.UnitWork;
import org.cerebro.exec.VisitPolicy;
import org.cerebro.exec.WorkerEvent;
import org.cerebro.plan.Operator;
import org.cerebro.space.Config;
import org.cerebro.train.DeviceProvider;
import org.cerebro.train.Trainable;
import org.cerebro.train.WorkerDevice;

/**
 * Runs a search on this machine's devices: one worker thread per device. The runtime kernel
 * decides which unit each worker runs (model hopper parallelism: trials hopping between workers,
 * a unit per partition; or task parallelism: a worker trains a trial's whole epoch); this
 * transport hands units to the worker threads and results back. Every worker reads the one
 * shared off-heap copy of the partitions, so by default every worker may serve every partition
 * ({@link #replicas()} is the number of workers, at no cost in memory): an idle worker takes the
 * next unit of any trial in hand, a slow or busy device simply runs fewer units, and the fixed
 * visit order loses nothing to a partition's one worker being busy (simulated: 16 trials on 16
 * workers 1.717x the lower bound with each partition on one worker, 1.000x with every partition on
 * every worker; see BENCHMARKS.md). {@link #replicas(int)} pins each partition to fewer workers,
 * as the paper's MOP does. By default the visit order is fixed per
 * (seed, trial, epoch), so a search gives the same per-trial results however the threads are
 * timed; {@link #freeOrder()} lets a trial take any partition it still needs (the paper's
 * scheduler), faster when trials barely outnumber workers but timing-dependent.
 *
 * <p>A hop is a hand-over of the state object from one worker thread to the next: on CPU workers
 * it copies nothing. A trial resumed after a pause (its state kept as bytes) that waits for a
 * worker has its state restored on a {@code cerebro-prefetch} thread meanwhile, so its unit starts
 * from a live state ({@link #prefetch}; CPU workers only). With an experiment directory each worker checkpoints the state after its unit
 * in parallel with the other workers' training. GPU workers ({@link #gpus()}) bind each worker's
 * trainable to its device through {@link Trainable#onDevice}; that path is the
 * same code, untested here where no GPU exists.
 *
 * <p>Threading: the kernel's thread calls {@link #start} and {@link #poll}; it dispatches to each
 * worker's single-producer Disruptor ring and takes completions from one multi-producer ring that
 * all workers publish to. Not reusable: one search per executor.
 */
public final class LocalExecutor implements Executor {
    private final List<WorkerDevice> devices;
    private final VisitPolicy policy;
    private final int replicas;

    private ExecutionContext context;
    private final List<Disruptor<UnitEvent>> dispatch = new ArrayList<>();
    private RingBuffer<UnitEvent> completions;
    private Sequence consumed;
    private SequenceBarrier barrier;
    /** Restores parked trials' states ahead of their units (CPU workers only), or null. */
    private ExecutorService prefetcher;
    private Trainable prefetchTrainable;
    private final Queue<WorkerEvent.Prefetched> prefetched = new ConcurrentLinkedQueue<>();

    private LocalExecutor(List<WorkerDevice> devices, VisitPolicy policy, int replicas) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a local executor needs at least one worker");
        }
        this.devices = List.copyOf(devices);
        this.policy = policy;
        this.replicas = replicas;
    }

    /** {@code n} CPU workers; the trainable splits the cores' intra-op threads between them. */
    public static LocalExecutor cpus(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("cpus(n) n=" + n + " expected>=1");
        }
        return new LocalExecutor(Collections.nCopies(n, WorkerDevice.CPU), VisitPolicy.FIXED, n);
    }

    /** One worker per listed GPU index. */
    public static LocalExecutor gpus(int... indices) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("gpus(indices) needs at least one index; gpus() takes every GPU");
        }
        List<WorkerDevice> devices = new ArrayList<>();
        for (int index : indices) {
            if (index < 0) {
                throw new IllegalArgumentException("gpu index=" + index + " expected>=0");
            }
            devices.add(WorkerDevice.gpu(index));
        }
        return new LocalExecutor(devices, VisitPolicy.FIXED, devices.size());
    }

    /**
     * One worker per GPU an engine module reports ({@code cerebro-djl} asks CUDA).
     *
     * @throws IllegalStateException when none is reported
     */
    public static LocalExecutor gpus() {
        int count = DeviceProvider.gpus();
        if (count == 0) {
            throw new IllegalStateException("gpus(): no GPU is reported on this machine (an engine module such as"
                + " cerebro-djl reports CUDA devices); use cpus(n) or auto()");
        }
        int[] indices = new int[count];
        java.util.Arrays.setAll(indices, i -> i);
        return gpus(indices);
    }

    /** GPUs if any is reported, otherwise one CPU worker per core. */
    public static LocalExecutor auto() {
        return DeviceProvider.gpus() > 0 ? gpus() : cpus(Runtime.getRuntime().availableProcessors());
    }

    /**
     * The same executor with the free visit order: any partition a trial still needs this epoch.
     * Faster when trials barely outnumber workers, but results then depend on thread timing.
     */
    public LocalExecutor freeOrder() {
        return new LocalExecutor(devices, VisitPolicy.FREE, replicas);
    }

    /**
     * The same executor with each partition served by {@code replicas} workers under model hopper
     * parallelism (partition {@code i} by worker {@code i mod n} and the next ones) instead of by
     * every worker. {@code replicas(1)} is the paper's MOP, each partition on one worker: use it to
     * compare, or where a device should keep to its own share of the data.
     *
     * @throws IllegalArgumentException unless 1 <= replicas <= workers
     */
    public LocalExecutor replicas(int replicas) {
        if (replicas < 1 || replicas > devices.size()) {
            throw new IllegalArgumentException("replicas=" + replicas + " expected 1.." + devices.size()
                + " (the executor's workers)");
        }
        return new LocalExecutor(devices, policy, replicas);
    }

    @Override
    public String name() {
        return "local " + devices.size() + "x" + deviceKind() + (policy == VisitPolicy.FREE ? " free-order" : "")
            + (replicas < devices.size() ? " replicas=" + replicas : "");
    }

    /** Workers that may serve each partition: every worker unless {@link #replicas(int)} says fewer. */
    @Override
    public int replicas() {
        return replicas;
    }

    @Override
    public String deviceKind() {
        return devices.get(0).kind();
    }

    /**
     * Model hopper parallelism, task parallelism (each worker trains whole trials; no hops), and
     * data parallelism (one trial on every worker, gradients summed in shared memory each step),
     * alone or as the narrow tail of a hybrid.
     */
    @Override
    public Set<Operator> operators() {
        return EnumSet.of(Operator.MOP, Operator.TASK_PARALLEL, Operator.DATA_PARALLEL, Operator.HYBRID);
    }

    @Override
    public VisitPolicy visitPolicy() {
        return policy;
    }

    @Override
    public boolean sharesMemory() {
        return true;
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
        List<Trainable> bound = new ArrayList<>();
        for (WorkerDevice device : devices) {
            try {
                bound.add(context.trainable().onDevice(device));
            } catch (RuntimeException e) {
                throw new IllegalStateException("trainable " + context.trainable().name() + ".onDevice(" + device.kind()
                    + ":" + device.index() + ") threw " + e + ": the search did not start", e);
            }
        }
        completions = RingBuffer.createMultiProducer(UnitEvent::new, ringSize(2 * n), new BlockingWaitStrategy());
        consumed = new Sequence(-1);
        completions.addGatingSequences(consumed);
        barrier = completions.newBarrier();
        for (int w = 0; w < n; w++) {
            int index = w;
            Disruptor<UnitEvent> ring = new Disruptor<>(UnitEvent::new, 4, runnable -> {
                Thread thread = new Thread(runnable, "cerebro-worker-" + index);
                thread.setDaemon(true);
                return thread;
            }, ProducerType.SINGLE, new BlockingWaitStrategy());
            ring.handleEventsWith(new Worker(w, bound.get(w), context, completions));
            ring.start();
            dispatch.add(ring);
        }
        if (devices.stream().allMatch(device -> device.equals(WorkerDevice.CPU))) { // a state restored on one
            // GPU could not train on another: GPU workers restore their own
            prefetchTrainable = bound.get(0);
            prefetcher = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "cerebro-prefetch");
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    /**
     * Restores the state on the prefetch thread while the workers train; {@link #poll} reports it
     * before the next unit completion. CPU workers only.
     */
    @Override
    public boolean prefetch(int trialId, Config config, TrialState.Bytes state) {
        if (prefetcher == null) {
            return false;
        }
        prefetcher.execute(() -> {
            try {
                prefetched.add(new WorkerEvent.Prefetched(trialId, state,
                    prefetchTrainable.restore(config, context.data(), state.bytes()), null));
            } catch (RuntimeException e) {
                prefetched.add(new WorkerEvent.Prefetched(trialId, state, null, e.toString()));
            }
        });
        return true;
    }

    private static int ringSize(int atLeast) {
        return Integer.highestOneBit(Math.max(2, atLeast - 1)) << 1;
    }

    @Override
    public void start(int worker, UnitWork work) {
        if (context == null) {
            throw new IllegalStateException("executor not opened");
        }
        RingBuffer<UnitEvent> ring = dispatch.get(worker).getRingBuffer();
        long slot = ring.next();
        ring.get(slot).set(worker, work, null);
        ring.publish(slot);
    }

    /** Each worker of the epoch gets its rank and the partitions it owns; the first reports the result. */
    @Override
    public void startDataParallel(int[] workers, UnitWork work, int[] owners) {
        if (context == null) {
            throw new IllegalStateException("executor not opened");
        }
        int[] sizes = new int[workers.length];
        List<List<Dataset>> local = new ArrayList<>();
        for (int rank = 0; rank < workers.length; rank++) {
            List<Dataset> mine = new ArrayList<>();
            for (int p = 0; p < owners.length; p++) {
                if (owners[p] == workers[rank]) {
                    mine.add(context.partitions().get(p));
                    sizes[rank] += context.partitions().get(p).size();
                }
            }
            local.add(mine);
        }
        DataParallelGroup group = new DataParallelGroup(work, context.data(), context.validation(), context.journal(),
            sizes, false);
        for (int rank = 0; rank < workers.length; rank++) {
            RingBuffer<UnitEvent> ring = dispatch.get(workers[rank]).getRingBuffer();
            long slot = ring.next();
            ring.get(slot).setShare(workers[rank], work, group, rank, local.get(rank));
            ring.publish(slot);
        }
    }

    /**
     * A state restored ahead of its unit, if one is ready; else waits for the next unit to end:
     * local workers are never lost, so it waits as long as that takes.
     */
    @Override
    public WorkerEvent poll(long timeout, TimeUnit unit) {
        WorkerEvent ahead = prefetched.poll();
        if (ahead != null) {
            return ahead;
        }
        long next = consumed.get() + 1;
        try {
            // With several producers the cursor can pass a slot that is claimed but not yet
            // published: waitFor then returns less than asked, and the slot must not be read yet.
            while (barrier.waitFor(next) < next) {
                Thread.onSpinWait();
            }
        } catch (AlertException | TimeoutException | InterruptedException e) {
            throw new IllegalStateException("completion ring stopped", e);
        }
        UnitEvent slot = completions.get(next);
        WorkerEvent done = new WorkerEvent.UnitDone(slot.worker, slot.work, slot.result);
        slot.clear();
        consumed.set(next);
        return done;
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
        if (prefetcher != null) {
            prefetcher.shutdownNow();
            try {
                prefetcher.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (WorkerEvent.Prefetched ahead; (ahead = prefetched.poll()) != null; ) { // restored, never used
            if (ahead.state() != null) {
                try {
                    ahead.state().close();
                } catch (RuntimeException e) {
                    // the search is over; nothing more to do with it
                }
            }
        }
        if (completions != null) { // results nobody took (the run failed): free their states
            for (long next = consumed.get() + 1; next <= completions.getCursor(); next++) {
                UnitEvent slot = completions.get(next);
                if (slot.result != null && slot.result.state() instanceof TrialState.Live live) {
                    try {
                        live.state().close();
                    } catch (RuntimeException e) {
                        // the run is over and failed already; nothing more to do with it
                    }
                }
                slot.clear();
                consumed.set(next);
            }
        }
    }
}
