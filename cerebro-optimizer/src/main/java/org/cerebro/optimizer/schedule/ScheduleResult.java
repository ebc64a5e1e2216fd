package org.cerebro.optimizer.schedule;

import java.util.List;
import org.cerebro.runtime.Unit;

/**
 * The outcome of a (simulated) schedule.
 *
 * @param makespan   seconds until the last unit finished
 * @param lowerBound the cluster's lower bound for the workload
 * @param idle       seconds each worker spent idle before the makespan (0 for a worker that died)
 * @param units      the units that ran, with their times (empty when not recorded)
 * @param hops       how many units ran on another worker than their trial's previous unit
 */
public record ScheduleResult(double makespan, double lowerBound, double[] idle, List<Timed> units, long hops) {
    /**
     * A unit and when it ran.
     *
     * @param unit  the unit (for task-parallel schedules, partition and epoch are -1: the whole trial)
     * @param start start time in seconds
     * @param end   end time in seconds
     */
    public record Timed(Unit unit, double start, double end) {
    }

    /** Makespan divided by the lower bound: 1.0 is optimal. */
    public double ratio() {
        return makespan / lowerBound;
    }
}
