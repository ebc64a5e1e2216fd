package org.cerebro.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.cerebro.data.Dataset;
import org.cerebro.train.Metrics;
import org.cerebro.train.TrainableState;

/**
 * One worker, the calling thread: each {@link #take()} runs the oldest submitted task to the end.
 * A parked trial is kept as the bytes of its state, so every pause and resume goes through the
 * trainable's serialization exactly as a hop between processes would.
 *
 * <p>Not thread-safe: one driver thread calls every method.
 */
public final class SequentialExecutor implements Executor {
    private final Queue<EpochTask> queue = new ArrayDeque<>();
    private final Map<Integer, TrainableState> live = new HashMap<>();
    private final Map<Integer, byte[]> parked = new HashMap<>();
    private final Map<Integer, TrialProgress> resumed = new HashMap<>();
    private final List<UnitRecord> records = new ArrayList<>();
    private ExecutionContext context;
    private long unitsRun;
    private volatile boolean cancelled;

    @Override
    public String name() {
        return "sequential";
    }

    @Override
    public int workers() {
        return 1;
    }

    /** With one worker, model hopper and task parallelism are the same schedule: it runs both. */
    @Override
    public java.util.Set<org.cerebro.plan.Operator> operators() {
        return java.util.EnumSet.of(org.cerebro.plan.Operator.MOP, org.cerebro.plan.Operator.TASK_PARALLEL);
    }

    @Override
    public void open(ExecutionContext context) {
        if (this.context != null) {
            throw new IllegalStateException("executor already opened: an executor runs one search");
        }
        this.context = context;
    }

    @Override
    public void submit(EpochTask task) {
        checkOpen();
        for (EpochTask queued : queue) {
            if (queued.trialId() == task.trialId()) {
                throw new IllegalStateException("trial=" + task.trialId() + " already has epoch=" + queued.epoch() + " queued");
            }
        }
        queue.add(task);
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public EpochOutcome take() {
        checkOpen();
        if (cancelled) {
            return null;
        }
        EpochTask task = queue.poll();
        if (task == null) {
            throw new IllegalStateException("take() with no task submitted");
        }
        TrialProgress progress = resumed.remove(task.trialId());
        List<Integer> done = progress == null ? List.of() : progress.partitionsDone();
        List<Integer> order = VisitOrder.resumed(context.seed(), task.trialId(), task.epoch(),
            context.partitions().size(), done);
        List<Integer> visited = new ArrayList<>(done);
        double lossSum = progress == null ? 0 : progress.lossSum();
        TrainableState state;
        try {
            state = stateOf(task);
        } catch (RuntimeException e) {
            // an exception in user code fails the trial, never the search
            return fail(task, order, e.getClass().getName() + ": " + e.getMessage());
        }
        for (int p : order.subList(done.size(), order.size())) {
            if (cancelled) {
                release(task.trialId()); // the epoch is cut short: its partial state is abandoned
                return null;
            }
            Dataset partition = context.partitions().get(p);
            long start = System.nanoTime();
            double loss = Double.NaN;
            Metrics metrics = null;
            String failure = null;
            try {
                loss = state.trainPass(partition);
                if (!Double.isFinite(loss)) {
                    failure = "training loss=" + loss + " in epoch=" + task.epoch() + " on partition=" + p;
                } else if (visited.size() == order.size() - 1) {
                    metrics = state.evaluate(context.validation());
                    if (!metrics.isFinite()) {
                        failure = "validation metrics are not finite in epoch=" + task.epoch() + ": " + metrics;
                    }
                }
            } catch (RuntimeException e) {
                // an exception in user code fails the trial, never the search
                failure = e.getClass().getName() + ": " + e.getMessage();
            }
            UnitRecord record = new UnitRecord(task.trialId(), task.epoch(), p, 0, start, System.nanoTime());
            records.add(record);
            unitsRun++;
            if (failure != null) {
                return fail(task, order, failure);
            }
            visited.add(p);
            lossSum += loss * partition.size();
            UnitJournal journal = context.journal();
            Checkpoint checkpoint = journal.durable() ? journal.checkpoint(task.trialId(), task.epoch(), state.toBytes())
                : null;
            journal.unitDone(new CompletedUnit(record, visited, lossSum, metrics, checkpoint));
            if (metrics != null) {
                return new EpochOutcome(task.trialId(), task.epoch(), metrics, lossSum / context.trainingRecords(), null,
                    order);
            }
        }
        throw new IllegalStateException("trial=" + task.trialId() + " epoch=" + task.epoch() + " resumed with every"
            + " partition done: " + done);
    }

    private TrainableState stateOf(EpochTask task) {
        TrainableState state = live.get(task.trialId());
        if (state != null) {
            return state;
        }
        byte[] bytes = parked.remove(task.trialId());
        if (bytes != null) {
            state = context.trainable().restore(task.config(), context.data(), bytes);
        } else if (task.epoch() == 1) { // a trial starts
            state = context.trainable().init(task.config(), task.trialSeed(), context.data());
        } else {
            throw new IllegalStateException("trial=" + task.trialId() + " epoch=" + task.epoch()
                + " has no state: it was released or never ran");
        }
        live.put(task.trialId(), state);
        return state;
    }

    private EpochOutcome fail(EpochTask task, List<Integer> order, String reason) {
        release(task.trialId());
        return new EpochOutcome(task.trialId(), task.epoch(), null, Double.NaN, reason, order);
    }

    @Override
    public void park(int trialId) {
        TrainableState state = live.remove(trialId);
        if (state != null) {
            parked.put(trialId, state.toBytes());
            state.close();
        }
    }

    @Override
    public void restore(int trialId, TrialProgress progress) {
        checkOpen();
        release(trialId);
        parked.put(trialId, progress.state());
        resumed.put(trialId, progress);
    }

    @Override
    public void release(int trialId) {
        TrainableState state = live.remove(trialId);
        if (state != null) {
            state.close();
        }
        parked.remove(trialId);
    }

    @Override
    public List<UnitRecord> unitRecords() {
        return java.util.Collections.unmodifiableList(records);
    }

    @Override
    public long unitsRun() {
        return unitsRun;
    }

    @Override
    public void close() {
        for (TrainableState state : new ArrayList<>(live.values())) {
            state.close();
        }
        live.clear();
        parked.clear();
        queue.clear();
    }

    private void checkOpen() {
        if (context == null) {
            throw new IllegalStateException("executor not opened");
        }
    }
}
