package org.cerebro;

/** How a trial ended. */
public enum TrialStatus {
    /** Trained to the strategy's maximum epochs. */
    COMPLETED,
    /** The strategy stopped it earlier (not promoted, or paused and never resumed). */
    STOPPED,
    /** It failed: a NaN or infinite loss, or an exception in user code. */
    FAILED,
    /** The search was cancelled while this trial was training; its completed epochs are kept. */
    CANCELLED,
    /** Still training: only in the snapshot of a search that is running (a live report). */
    RUNNING
}
