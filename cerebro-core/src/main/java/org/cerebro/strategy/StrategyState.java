package org.cerebro.strategy;

import java.util.List;

/**
 * The running state machine of a strategy. The driver calls {@link #next()} whenever it has room
 * for another active trial, and reports every epoch's score and every failure of the trials the
 * strategy started or resumed. Which trials are running is the search's trial table's to know,
 * not the strategy's: a strategy keeps only its own logical state (rungs, brackets, budgets), and
 * a search ends when the strategy has nothing to start and no trial is running.
 *
 * <p>Not thread-safe: one driver thread owns it. Every method returns at once: no sleeping, no I/O.
 */
public interface StrategyState {
    /** What to do next: start, resume, wait for an event, or done. */
    Decision next();

    /**
     * A trial ended {@code epoch} (1-based) with {@code score} (higher is better).
     *
     * @return whether it trains another epoch, pauses or stops
     */
    EpochDecision epochEnded(int trialId, int epoch, double score);

    /** A trial failed during {@code epoch} (a NaN loss, an exception in user code): it is finished. */
    void trialFailed(int trialId, int epoch, String reason);

    /** The rungs so far (empty for strategies without rungs). */
    List<RungReport> rungs();
}
