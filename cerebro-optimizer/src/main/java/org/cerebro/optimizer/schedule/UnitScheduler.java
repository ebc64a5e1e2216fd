package org.cerebro.optimizer.schedule;

/**
 * Decides which unit an idle worker runs next. Driven by an executor or the {@link Simulator}:
 * {@link #next} when a worker is idle, {@link #completed} or {@link #lost} when its unit ends.
 *
 * <p>Not thread-safe: one scheduling thread calls it.
 */
public interface UnitScheduler {
    /** The unit worker {@code worker} should run now, or null when nothing fits it yet. */
    Unit next(int worker);

    /** The unit finished: its trial visited its partition. */
    void completed(Unit unit);

    /** The unit was lost with its worker: its trial must visit that partition again, elsewhere. */
    void lost(Unit unit);

    /** Whether every trial has run every epoch. */
    boolean isDone();
}
