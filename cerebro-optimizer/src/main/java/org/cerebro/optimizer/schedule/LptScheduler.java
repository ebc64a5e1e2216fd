package org.cerebro.optimizer.schedule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.cerebro.runtime.Unit;
import java.util.stream.IntStream;

/**
 * Task parallelism with LPT list scheduling: every worker holds all the data; trials, longest
 * first, each go whole to the worker that would finish them earliest. No hops, but {@code p}
 * copies of the data.
 */
public final class LptScheduler {
    private LptScheduler() {
    }

    /** The LPT schedule of {@code workload} on {@code cluster}. */
    public static ScheduleResult schedule(Workload workload, Cluster cluster) {
        int p = cluster.size();
        double[] free = new double[p];
        double[] busy = new double[p];
        List<ScheduleResult.Timed> units = new ArrayList<>();
        int[] byWork = IntStream.range(0, workload.size()).boxed()
            .sorted(Comparator.comparingDouble((Integer t) -> -workload.trials().get(t).work()).thenComparing(t -> t))
            .mapToInt(Integer::intValue).toArray();
        for (int t : byWork) {
            double work = workload.trials().get(t).work();
            int best = 0;
            for (int w = 1; w < p; w++) {
                if (free[w] + work / cluster.speed(w) < free[best] + work / cluster.speed(best)) {
                    best = w;
                }
            }
            double start = free[best];
            free[best] += work / cluster.speed(best);
            busy[best] += work / cluster.speed(best);
            units.add(new ScheduleResult.Timed(new Unit(t, -1, -1, best), start, free[best]));
        }
        double makespan = 0;
        for (double f : free) {
            makespan = Math.max(makespan, f);
        }
        double[] idle = new double[p];
        for (int w = 0; w < p; w++) {
            idle[w] = makespan - busy[w];
        }
        return new ScheduleResult(makespan, cluster.lowerBound(workload), idle, units, 0);
    }
}
