package org.cerebro.runtime;

import org.cerebro.runtime.TrialTable.Trial;

/**
 * Decides which unit an idle worker runs next. It reads where each trial stands from the
 * {@link TrialTable} (the one owner of that) and keeps only its own indexes of which trial may
 * go where. The kernel drives it: {@link #offer} when a trial has a unit to run, {@link #next}
 * when a worker is idle, {@link #withdraw} when a trial no longer has one (epoch over, paused,
 * ended), {@link #lost} when a unit's worker was lost.
 *
 * <p>Not thread-safe: the kernel's thread (or a simulator's).
 */
public interface UnitScheduler {
    /** {@code trial} is {@link TrialTable.Phase#QUEUED}: it needs a worker for its next unit. */
    void offer(Trial trial);

    /** {@code trial} has no unit to run until it is offered again. */
    void withdraw(Trial trial);

    /** The unit worker {@code worker} should run now, or null when nothing fits it; the trial is no longer offered. */
    Unit next(int worker);

    /**
     * {@code unit} ended on its worker (trained or failed) after {@code seconds} (NaN when it
     * failed), when the transport's clock read {@code nowSeconds}: what a scheduler may learn
     * worker speeds from. Called before the trial is offered again.
     */
    default void ran(Unit unit, double seconds, double nowSeconds) {
    }

    /**
     * Puts the first {@code count} of {@code workers}, idle workers about to be asked for units in
     * turn, in the order to ask them: one that knows worker speeds asks the fastest first, so a
     * slow worker asked first does not take the unit a fast one was left waiting for. By default
     * they stay as given (in index order).
     */
    default void orderIdle(int[] workers, int count) {
    }

    /** {@code unit} was lost with its worker; its trial, queued again, must run it elsewhere. */
    void lost(Unit unit, Trial trial);
}
