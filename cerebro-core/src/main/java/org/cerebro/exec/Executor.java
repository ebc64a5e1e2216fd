package org.cerebro.exec;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.cerebro.plan.Operator;

/**
 * A transport: it knows its workers, gets a unit to a worker and its result back. Everything
 * else (which unit runs where and when, the trials' states between units, epochs, journaling,
 * failures, cancellation) is the runtime kernel's ({@code org.cerebro.runtime.Kernel}), the same
 * for every executor. A transport is therefore small: {@link SequentialExecutor} runs units in the
 * calling thread; {@code cerebro-exec-local} on worker threads; {@code cerebro-exec-cluster} on
 * worker daemons over TCP.
 *
 * <p>Lifecycle: {@link #open} once, then any number of {@link #start}/{@link #poll} rounds, then
 * {@link #close}. Not reusable: one search per executor. Threading: the kernel's one thread calls
 * every method except {@link #cancel}, which may come from any thread.
 */
public interface Executor extends AutoCloseable {
    /** A short name for results and EXPLAIN, e.g. "sequential". */
    String name();

    /** Number of workers: each runs one unit at a time. */
    int workers();

    /** The kind of device the workers train on, e.g. "cpu" or "gpu"; for profiles and plans. */
    default String deviceKind() {
        return "cpu";
    }

    /** The physical operators this executor can run; the search falls back to MOP for others, and EXPLAIN says so. */
    default Set<Operator> operators() {
        return Set.of(Operator.MOP);
    }

    /**
     * How many workers hold (or, sharing memory, may read) each partition under MOP; 1 by
     * default. More lets an idle worker serve more trials, so a slow worker holds up less: the
     * local executor's workers all read one shared copy (every worker), a cluster keeps copies
     * (2 with 3 or more workers, which also survives a lost worker).
     */
    default int replicas() {
        return 1;
    }

    /** How trials visit partitions within an epoch under MOP: {@link VisitPolicy#FIXED} unless the user chose otherwise. */
    default VisitPolicy visitPolicy() {
        return VisitPolicy.FIXED;
    }

    /**
     * Whether workers share this process's memory: then a trial's live state is handed to them
     * by reference ({@link TrialState.Live}); otherwise the kernel sends bytes and gets bytes back.
     */
    default boolean sharesMemory() {
        return false;
    }

    /**
     * Connects the workers and places the data as {@link ExecutionContext#placement()} says;
     * called once, before anything else.
     *
     * @throws IllegalStateException naming the worker or setting that prevents it
     */
    void open(ExecutionContext context);

    /**
     * Starts {@code work} on idle worker {@code worker} and returns at once (a transport that runs
     * units in the calling thread may run it in {@link #poll} instead). The worker holds the
     * partition (the placement says so). The transport owns {@code work.state()} until it reports
     * the unit done or the worker lost.
     */
    void start(int worker, UnitWork work);

    /**
     * Starts a data-parallel epoch of {@code work}'s trial on the idle workers {@code workers}
     * (ascending; the first leads), where worker {@code owners[p]} trains partition {@code p}
     * (it holds it): see {@link DataParallelGroup} for what the workers do. Returns at once; the
     * epoch ends with one {@link WorkerEvent.UnitDone} for the first worker, or a
     * {@link WorkerEvent.Lost} for any of them. Only for executors whose {@link #operators()}
     * include {@link Operator#DATA_PARALLEL}.
     */
    default void startDataParallel(int[] workers, UnitWork work, int[] owners) {
        throw new UnsupportedOperationException("executor " + name() + " does not run data-parallel epochs");
    }

    /**
     * The next event: a unit done, a worker lost or back. Waits at most {@code timeout} (a
     * transport whose workers cannot be lost may wait until its unit in flight ends instead).
     *
     * @return the event, or null when none came in time
     */
    WorkerEvent poll(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * How long the kernel should wait for a lost worker to come back before it gives up on work
     * only lost workers can run; 0 for transports whose workers are never lost.
     */
    default long rejoinWaitMillis() {
        return 0;
    }

    /**
     * Restores a parked trial's state from {@code state} ahead of its next unit, off the workers'
     * threads, and reports it through {@link #poll} as a {@link WorkerEvent.Prefetched}; the
     * kernel asks for trials that wait for a worker with their state as bytes (resumed after a
     * pause), so the unit starts from a live state instead of restoring on its worker. Returns
     * false when this transport does not (the default; units in other processes restore where they
     * run). Kernel thread.
     */
    default boolean prefetch(int trialId, org.cerebro.space.Config config, TrialState.Bytes state) {
        return false;
    }

    /**
     * The clock the kernel reads when units end, in nanoseconds from any origin: the JVM's
     * {@link System#nanoTime()}, or a simulator's virtual time.
     */
    default long nanoTime() {
        return System.nanoTime();
    }

    /** The search is being cancelled: units not yet started on remote workers may be dropped. Any thread. */
    default void cancel() {
    }

    /** Stops the workers (or disconnects from them), letting a unit in flight end first where it can. */
    @Override
    void close();
}
