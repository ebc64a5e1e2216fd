package org.cerebro.djl;

/**
 * How a DJL trial computes gradients when several trials train at once in one JVM.
 */
public enum GradientMode {
    /**
     * PyTorch's thread-local grad mode and a direct backward call: trials on different threads
     * train truly in parallel. (DJL's {@code GradientCollector} allows one per JVM.)
     */
    THREAD_LOCAL,
    /**
     * The engine's {@code GradientCollector}, one trial at a time behind a JVM-wide lock: the
     * fallback for engines other than PyTorch.
     */
    LOCKED
}
