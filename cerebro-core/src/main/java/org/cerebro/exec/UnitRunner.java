package org.cerebro.exec;

import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * Runs one unit the way every worker does (a local worker thread, a cluster worker daemon):
 * initialises or restores the trial's state when it has none, trains one pass over the partition,
 * evaluates after the epoch's last unit, and sorts what went wrong. An exception in user code, a
 * non-finite loss or non-finite metrics fail the trial ({@link Result#failure}); an
 * {@link Error} (out of memory, a stack overflow in native glue) is {@link Result#fatal}: the
 * worker is not fit to go on and the run must stop.
 *
 * <p>Stateless; call it from the worker's thread, which owns the state while the unit runs.
 */
public final class UnitRunner {
    /**
     * What a unit did.
     *
     * @param state      the trial's state afterwards (null if it could not be built)
     * @param loss       the pass's mean training loss (NaN when it failed)
     * @param metrics    validation metrics when the unit ended the epoch, else null
     * @param failure    why the trial failed, or null
     * @param fatal      an error that ends the run, or null
     * @param startNanos when the unit started ({@link System#nanoTime()})
     * @param endNanos   when it ended
     */
    public record Result(TrainableState state, double loss, Metrics metrics, String failure, Throwable fatal,
                         long startNanos, long endNanos) {
    }

    private UnitRunner() {
    }

    /**
     * Runs the unit.
     *
     * @param state        the trial's live state, or null to restore it from {@code restoreBytes}
     *                     or, when those are null too, to initialise it
     * @param validation   the validation data when this unit ends the epoch, else null
     */
    public static Result run(Trainable trainable, DataSpec data, Config config, long trialSeed, TrainableState state,
                             byte[] restoreBytes, Dataset partition, Dataset validation, int epoch, int partitionIndex) {
        long start = System.nanoTime();
        double loss = Double.NaN;
        Metrics metrics = null;
        String failure = null;
        Throwable fatal = null;
        try {
            if (state == null) {
                state = restoreBytes != null
                    ? trainable.restore(config, data, restoreBytes)
                    : trainable.init(config, trialSeed, data);
            }
            loss = state.trainPass(partition);
            if (!Double.isFinite(loss)) {
                failure = "training loss=" + loss + " in epoch=" + epoch + " on partition=" + partitionIndex;
            } else if (validation != null) {
                metrics = state.evaluate(validation);
                if (!metrics.isFinite()) {
                    failure = "validation metrics are not finite in epoch=" + epoch + ": " + metrics;
                }
            }
        } catch (RuntimeException e) {
            failure = e.getClass().getName() + ": " + e.getMessage();
        } catch (Error e) {
            fatal = e; // OutOfMemoryError and the like: this worker is not fit to train on
        }
        return new Result(state, loss, metrics, failure, fatal, start, System.nanoTime());
    }
}
