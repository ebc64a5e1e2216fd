package org.cerebro.exec;

import org.cerebro.data.Dataset;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * Runs one unit the way every worker does (the calling thread, a local worker thread, a cluster
 * worker daemon): builds the trial's state when the unit brings none live (initialise, or restore
 * from bytes), trains one pass over the partition, evaluates after the epoch's last unit,
 * checkpoints the state when the journal is durable, and sorts what went wrong. An exception in
 * user code, a non-finite loss, non-finite metrics or a state that cannot be serialised fail the
 * trial; an {@link Error} (out of memory) or a checkpoint that cannot be written is fatal: the
 * run must stop, resumably. A failed trial's state is closed here.
 *
 * <p>Stateless; call it on the worker's thread, which owns the state while the unit runs.
 */
public final class UnitRunner {
    private UnitRunner() {
    }

    /**
     * Runs {@code work}.
     *
     * @param partition  the partition {@code work} names, resident on this worker
     * @param validation the validation data (evaluated on only when {@code work.evaluate()})
     * @param journal    where to checkpoint the state when it is durable
     * @param asBytes    return the state as bytes and close it (a worker in another process),
     *                   instead of live
     */
    public static UnitResult run(Trainable trainable, DataSpec data, UnitWork work, Dataset partition,
                                 Dataset validation, UnitJournal journal, boolean asBytes) {
        long start = System.nanoTime();
        TrainableState state = null;
        double loss;
        try {
            state = open(trainable, data, work);
            loss = state.trainPass(partition);
        } catch (RuntimeException e) {
            return failed(state, describe(e), start);
        } catch (Error e) {
            return UnitResult.fatal(e, start, System.nanoTime()); // this worker is not fit to train on
        }
        String where = "partition=" + work.partition();
        return finish(state, loss, where, work, validation, journal, asBytes, start);
    }

    /** The state a unit trains: the live one it brings, or one restored from its bytes, or a new one. */
    static TrainableState open(Trainable trainable, DataSpec data, UnitWork work) {
        if (work.state() instanceof TrialState.Live live) {
            return live.state();
        } else if (work.state() instanceof TrialState.Bytes saved) {
            return trainable.restore(work.config(), data, saved.bytes());
        }
        return trainable.init(work.config(), work.trialSeed(), data);
    }

    /**
     * What follows the training of a unit, whoever trained it: a non-finite loss fails the trial;
     * after the epoch's last unit the state is evaluated; the state is serialised for the journal
     * or for a remote coordinator, and checkpointed when the journal is durable.
     *
     * @param where the data trained on, for messages (e.g. {@code partition=2})
     */
    static UnitResult finish(TrainableState state, double loss, String where, UnitWork work, Dataset validation,
                             UnitJournal journal, boolean asBytes, long start) {
        Metrics metrics = null;
        String failure;
        try {
            failure = Double.isFinite(loss) ? null : "training loss=" + loss + " in epoch=" + work.epoch() + " on " + where;
            if (failure == null && work.evaluate()) {
                metrics = state.evaluate(validation);
                if (!metrics.isFinite()) {
                    failure = "validation metrics are not finite in epoch=" + work.epoch() + ": " + metrics;
                }
            }
        } catch (RuntimeException e) {
            failure = describe(e);
        } catch (Error e) {
            return UnitResult.fatal(e, start, System.nanoTime());
        }
        if (failure != null) {
            return failed(state, failure, start);
        }
        byte[] bytes = null;
        try {
            if (journal.durable() || asBytes) {
                bytes = state.toBytes();
            }
        } catch (RuntimeException e) {
            return failed(state, "cannot serialise the state after epoch=" + work.epoch() + " " + where + ": "
                + describe(e), start);
        } catch (Error e) {
            return UnitResult.fatal(e, start, System.nanoTime());
        }
        Checkpoint checkpoint = null;
        if (journal.durable()) {
            try {
                checkpoint = journal.checkpoint(work.trialId(), work.epoch(), bytes);
            } catch (RuntimeException | Error e) {
                return UnitResult.fatal(e, start, System.nanoTime()); // the run cannot go on durably
            }
        }
        TrialState after = new TrialState.Live(state);
        if (asBytes) {
            String closeFailure = close(state);
            if (closeFailure != null) {
                return failed(null, closeFailure, start);
            }
            after = new TrialState.Bytes(bytes);
        }
        return new UnitResult(after, loss, metrics, null, null, checkpoint, start, System.nanoTime());
    }

    static UnitResult failed(TrainableState state, String failure, long start) {
        String closeFailure = state == null ? null : close(state);
        return new UnitResult(TrialState.NONE, Double.NaN, null,
            closeFailure == null ? failure : failure + "; then " + closeFailure, null, null, start, System.nanoTime());
    }

    /** Closes a state, returning what went wrong instead of throwing: a failing close fails only its trial. */
    static String close(TrainableState state) {
        try {
            state.close();
            return null;
        } catch (RuntimeException e) {
            return "close() threw " + describe(e);
        }
    }

    /** An exception as a failure message: its class and message. */
    public static String describe(Throwable e) {
        return e.getClass().getName() + ": " + e.getMessage();
    }
}
