package org.cerebro.exec;

/**
 * What a transport reports to the runtime kernel from {@link Executor#poll}.
 */
public sealed interface WorkerEvent {
    /** The worker the event is about. */
    int worker();

    /**
     * A unit ended (trained, failed, or fatally).
     *
     * @param worker the worker that ran it
     * @param work   the unit, as started
     * @param result what it did
     */
    record UnitDone(int worker, UnitWork work, UnitResult result) implements WorkerEvent {
    }

    /**
     * The worker is gone (its connection broke, or it stopped answering); the unit it was running,
     * if any, did not complete and must run again elsewhere.
     *
     * @param worker the worker
     * @param reason why it was dropped, for the log and errors
     */
    record Lost(int worker, String reason) implements WorkerEvent {
    }

    /**
     * A lost worker is back, set up again with its partitions.
     *
     * @param worker the worker
     */
    record Joined(int worker) implements WorkerEvent {
    }

    /**
     * A parked trial's state, handed to {@link Executor#prefetch}, was restored ahead of its unit
     * (by no worker: {@link #worker()} is -1).
     *
     * @param trialId the trial
     * @param from    the bytes it was restored from
     * @param state   the restored state, or null when restoring failed (its unit restores it again
     *                and reports the failure)
     * @param failure why restoring failed, or null
     */
    record Prefetched(int trialId, TrialState.Bytes from, org.cerebro.train.TrainableState state, String failure)
        implements WorkerEvent {
        @Override
        public int worker() {
            return -1;
        }
    }
}
