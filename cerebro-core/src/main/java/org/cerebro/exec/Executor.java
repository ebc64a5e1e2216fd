package org.cerebro.exec;

/**
 * Runs epochs of trials on its workers and reports their outcomes. It owns the trials' states
 * between epochs. It knows nothing of strategies: a driver submits tasks and acts on outcomes.
 *
 * <p>Lifecycle: {@link #open}, then any number of {@link #submit}/{@link #take} rounds with
 * {@link #park}/{@link #release} between them, then {@link #close}. Called by one driver thread.
 */
public interface Executor extends AutoCloseable {
    /** A short name for results and EXPLAIN, e.g. "sequential". */
    String name();

    /** The kind of device the workers train on, e.g. "cpu" or "gpu"; for profiles and plans. */
    default String deviceKind() {
        return "cpu";
    }

    /** The physical operators this executor can run; others fall back to MOP, and EXPLAIN says so. */
    default java.util.Set<org.cerebro.plan.Operator> operators() {
        return java.util.Set.of(org.cerebro.plan.Operator.MOP);
    }

    /** Copies of each partition this executor keeps (1 for local workers, which share a fate). */
    default int replicas() {
        return 1;
    }

    /** Number of workers, which is also the default number of partitions. */
    int workers();

    /** Prepares to run a search; called once, before anything else. */
    void open(ExecutionContext context);

    /**
     * Queues an epoch of a trial. A trial has at most one task queued or running at a time.
     *
     * @throws IllegalStateException when the trial already has one
     */
    void submit(EpochTask task);

    /**
     * Waits for the next outcome of a submitted task; after {@link #cancel()}, returns null once
     * the units in flight have finished and their outcomes were taken.
     *
     * @throws IllegalStateException when no task is queued or running
     */
    EpochOutcome take() throws InterruptedException;

    /**
     * Stops starting units: those in flight finish; epochs they leave incomplete are abandoned.
     * May be called from any thread. The default does nothing: {@link #take()} then runs on.
     */
    default void cancel() {
    }

    /** The trial will not run until it is submitted again: its state may leave memory as bytes. */
    void park(int trialId);

    /**
     * The trial continues from {@code progress} (a checkpoint of an earlier run): its next
     * {@link #submit submitted} epoch is {@code progress.epochsDone() + 1} and skips the
     * partitions already visited. Call before that submit.
     *
     * @throws UnsupportedOperationException when this executor cannot resume trials
     */
    default void restore(int trialId, TrialProgress progress) {
        throw new UnsupportedOperationException("executor " + name() + " cannot resume trial=" + trialId
            + " from a checkpoint");
    }

    /** The trial will never run again: free its state. */
    void release(int trialId);

    /** Every unit run so far, with its worker and times (empty if the executor does not record them). */
    default java.util.List<UnitRecord> unitRecords() {
        return java.util.List.of();
    }

    /** Units (one trial, one partition, one pass) run so far. */
    long unitsRun();

    /** Frees every state and worker. */
    @Override
    void close();
}
