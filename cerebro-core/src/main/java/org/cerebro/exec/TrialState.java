package org.cerebro.exec;

import java.util.Objects;
import org.cerebro.train.TrainableState;

/**
 * Where a trial's training state is between units: nowhere yet (the worker initialises it), a
 * live object (handed between worker threads of one process by reference), or the bytes of
 * {@link TrainableState#toBytes()} (after a pause, a checkpoint, or a hop between processes).
 * The runtime kernel owns it between units; a transport owns it while the unit runs.
 */
public sealed interface TrialState {
    /** No state yet: the worker calls {@code Trainable.init}. */
    TrialState NONE = new None();

    /** No state yet. */
    record None() implements TrialState {
    }

    /**
     * A live state object, owned by whoever holds this handle.
     *
     * @param state the state
     */
    record Live(TrainableState state) implements TrialState {
        /** Rejects null. */
        public Live {
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * A state as bytes: immutable once made, so a copy may be kept while a unit runs on it.
     *
     * @param bytes the trainable's bytes; not copied, never modified
     */
    record Bytes(byte[] bytes) implements TrialState {
        /** Rejects null. */
        public Bytes {
            Objects.requireNonNull(bytes, "bytes");
        }
    }
}
