package org.cerebro.exec;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.cerebro.plan.Operator;

/**
 * One worker, the calling thread: {@link #poll} runs the started unit to its end. The trial's
 * state stays live between its units; the kernel keeps a paused trial as bytes, so pausing and
 * resuming go through the trainable's serialization as a hop between processes would. Needs
 * nothing but {@code cerebro-core}: the path for downstream unit tests and JShell.
 *
 * <p>Not thread-safe: the kernel's thread calls every method ({@link #cancel} excepted).
 */
public final class SequentialExecutor implements Executor {
    private ExecutionContext context;
    private UnitWork started;

    @Override
    public String name() {
        return "sequential";
    }

    @Override
    public int workers() {
        return 1;
    }

    /**
     * With one worker, model hopper and task parallelism are the same schedule: it runs both; and
     * data-parallel epochs of one rank (the same steps a single worker takes), so a trial's
     * data-parallel path can be run and checked without threads.
     */
    @Override
    public Set<Operator> operators() {
        return EnumSet.of(Operator.MOP, Operator.TASK_PARALLEL, Operator.DATA_PARALLEL, Operator.HYBRID);
    }

    @Override
    public boolean sharesMemory() {
        return true;
    }

    @Override
    public void open(ExecutionContext context) {
        if (this.context != null) {
            throw new IllegalStateException("executor already opened: an executor runs one search");
        }
        this.context = context;
    }

    @Override
    public void start(int worker, UnitWork work) {
        if (context == null) {
            throw new IllegalStateException("executor not opened");
        }
        if (worker != 0 || started != null) {
            throw new IllegalStateException("worker=" + worker + " is not idle: the sequential executor has one worker,"
                + (started == null ? "" : " running trial=" + started.trialId()));
        }
        started = work;
    }

    @Override
    public void startDataParallel(int[] workers, UnitWork work, int[] owners) {
        start(workers.length == 1 ? workers[0] : -1, work);
    }

    /** Runs the started unit in the calling thread. */
    @Override
    public WorkerEvent poll(long timeout, TimeUnit unit) {
        UnitWork work = started;
        if (work == null) {
            return null;
        }
        started = null;
        UnitResult result = work.partition() == UnitRecord.ALL_PARTITIONS
            ? new DataParallelGroup(work, context.data(), context.validation(), context.journal(),
                new int[] {(int) context.trainingRecords()}, false).run(0, context.trainable(), context.partitions())
            : UnitRunner.run(context.trainable(), context.data(), work, context.partitions().get(work.partition()),
                context.validation(), context.journal(), false);
        return new WorkerEvent.UnitDone(0, work, result);
    }

    @Override
    public void close() {
        started = null;
    }
}
