package org.cerebro.exec;

import org.cerebro.train.Metrics;

/**
 * What a unit did on its worker.
 *
 * @param state      the trial's state after the pass (live or bytes; {@link TrialState#NONE} when
 *                   it failed)
 * @param loss       the pass's mean training loss (NaN when it failed)
 * @param metrics    validation metrics when the unit ended the epoch, else null
 * @param failure    why the trial failed (an exception in user code, a non-finite loss), or null
 * @param fatal      an error that ends the run (out of memory, a checkpoint that cannot be
 *                   written, a worker that refuses the unit), or null
 * @param checkpoint the durable copy of the state after the unit, when the journal is durable
 * @param startNanos when the unit started ({@link System#nanoTime()} of the process that reports it)
 * @param endNanos   when it ended
 */
public record UnitResult(TrialState state, double loss, Metrics metrics, String failure, Throwable fatal,
                         Checkpoint checkpoint, long startNanos, long endNanos) {
    /** A unit that ended the run with {@code fatal}. */
    public static UnitResult fatal(Throwable fatal, long startNanos, long endNanos) {
        return new UnitResult(TrialState.NONE, Double.NaN, null, null, fatal, null, startNanos, endNanos);
    }

    /** Whether the trial trained through the unit. */
    public boolean succeeded() {
        return failure == null && fatal == null;
    }
}
