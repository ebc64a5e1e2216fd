package org.cerebro.exec.local;

import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitWork;

/**
 * A ring slot: a unit to run (dispatch ring) or a unit that ran (completion ring). Slots are
 * reused; whoever claims a slot fills every field. Ownership of the trial's state in
 * {@link #work} or {@link #result} travels with the slot: the ring's publication is the
 * happens-before edge between the threads.
 */
final class UnitEvent {
    int worker;
    UnitWork work;
    UnitResult result; // null in the dispatch ring

    void set(int worker, UnitWork work, UnitResult result) {
        this.worker = worker;
        this.work = work;
        this.result = result;
    }

    void clear() {
        work = null;
        result = null;
    }
}
