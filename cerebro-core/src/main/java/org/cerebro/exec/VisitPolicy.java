package org.cerebro.exec;

/** How a trial's partitions are ordered within an epoch under model hopper parallelism. */
public enum VisitPolicy {
    /**
     * A seeded order per (search seed, trial, epoch): a trial's results do not depend on thread
     * timing, kills or resumes. The default.
     */
    FIXED,
    /**
     * Any partition the trial has not visited yet this epoch (the VLDB 2020 paper's randomized
     * scheduler): faster when trials barely outnumber workers, but results depend on timing.
     */
    FREE
}
