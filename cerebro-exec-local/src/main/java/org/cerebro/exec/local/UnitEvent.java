package org.cerebro.exec.local;

import java.util.List;
import org.cerebro.data.Dataset;
import org.cerebro.exec.DataParallelGroup;
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
    // a data-parallel epoch's share (dispatch ring only): the group, this worker's rank, its partitions
    DataParallelGroup group;
    int rank;
    List<Dataset> local;

    void set(int worker, UnitWork work, UnitResult result) {
        this.worker = worker;
        this.work = work;
        this.result = result;
        this.group = null;
        this.local = null;
    }

    void setShare(int worker, UnitWork work, DataParallelGroup group, int rank, List<Dataset> local) {
        set(worker, work, null);
        this.group = group;
        this.rank = rank;
        this.local = local;
    }

    void clear() {
        work = null;
        result = null;
        group = null;
        local = null;
    }
}
