package org.cerebro.strategy;

/**
 * A strategy's answer when a trial ends an epoch.
 */
public enum EpochDecision {
    /** Train it for another epoch. */
    CONTINUE,
    /** Stop training it for now; the strategy may resume it later. */
    PAUSE,
    /** It is finished: it will not train again. */
    STOP
}
