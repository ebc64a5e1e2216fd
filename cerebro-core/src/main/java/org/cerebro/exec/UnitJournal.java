package org.cerebro.exec;

/**
 * Where an executor reports every unit that completes. With an experiment directory the search
 * makes each unit durable here (a checkpoint file, then a catalog entry) before the executor may
 * count it as done; without one, the journal only tells the search's listeners.
 *
 * <p>Threading: {@link #checkpoint} is called on worker threads, concurrently, and is
 * thread-safe; {@link #unitDone} is called on the driver thread, in the order units are counted.
 */
public interface UnitJournal {
    /** A journal that keeps nothing. */
    UnitJournal NONE = new UnitJournal() {
        @Override
        public boolean durable() {
            return false;
        }

        @Override
        public Checkpoint checkpoint(int trialId, int epoch, byte[] state) {
            throw new IllegalStateException("journal NONE keeps no checkpoints");
        }

        @Override
        public void unitDone(CompletedUnit unit) {
        }
    };

    /** Whether units must be checkpointed: if so, every completed unit carries a {@link Checkpoint}. */
    boolean durable();

    /**
     * Writes {@code state} (a trainable state's bytes) durably, on the thread that produced it
     * so that writes overlap with other workers' training, and returns its reference.
     *
     * @throws java.io.UncheckedIOException when the write fails: the run cannot go on durably
     */
    Checkpoint checkpoint(int trialId, int epoch, byte[] state);

    /**
     * Records a completed unit; returns once it is durable. Only then may the executor count the
     * unit as done and dispatch the trial's next one.
     */
    void unitDone(CompletedUnit unit);
}
