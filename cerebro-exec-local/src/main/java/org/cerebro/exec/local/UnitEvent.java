package org.cerebro.exec.local;

import org.cerebro.exec.Checkpoint;
import org.cerebro.space.Config;
import org.cerebro.train.Metrics;
import org.cerebro.train.TrainableState;

/**
 * A ring slot: a unit to run (dispatch ring) or a unit that ran (completion ring). Slots are
 * reused; whoever claims a slot fills every field. Ownership of {@link #state} travels with the
 * slot: the ring's publication is the happens-before edge between the threads.
 */
final class UnitEvent {
    // what to run
    int trialId;
    int epoch;
    int partition;
    int worker;
    boolean lastOfEpoch;
    Config config;
    long trialSeed;
    TrainableState state;   // null: initialise (or restore from bytes)
    byte[] restoreBytes;    // a parked trial's state
    // what happened
    long startNanos;
    long endNanos;
    double loss;
    Metrics metrics;        // set on the epoch's last unit
    String failure;         // null when it succeeded
    Checkpoint checkpoint;  // the state after the unit, when the journal is durable
    Throwable fatal;        // an Error (or a failed checkpoint write): the run cannot go on

    void copyFrom(UnitEvent other) {
        trialId = other.trialId;
        epoch = other.epoch;
        partition = other.partition;
        worker = other.worker;
        lastOfEpoch = other.lastOfEpoch;
        config = other.config;
        trialSeed = other.trialSeed;
        state = other.state;
        restoreBytes = other.restoreBytes;
        startNanos = other.startNanos;
        endNanos = other.endNanos;
        loss = other.loss;
        metrics = other.metrics;
        failure = other.failure;
        checkpoint = other.checkpoint;
        fatal = other.fatal;
    }

    void clearReferences() {
        config = null;
        state = null;
        restoreBytes = null;
        metrics = null;
        failure = null;
        checkpoint = null;
        fatal = null;
    }
}
