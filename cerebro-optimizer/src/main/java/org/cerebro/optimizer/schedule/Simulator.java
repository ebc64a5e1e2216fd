package org.cerebro.optimizer.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A discrete-event simulation of a unit scheduler on a synthetic cluster, with no training: a unit
 * of trial {@code t} over partition {@code i} on worker {@code w} takes
 * {@code epochSeconds_t * share_i / speed_w}, plus
 * the trial's hop time when its previous unit ran on another worker. Workers may be set to die at
 * given times: the unit they run is lost and the scheduler must place it again.
 *
 * <p>Idle workers are offered work in worker order whenever a unit ends. Deterministic for a
 * deterministic scheduler.
 */
public final class Simulator {
    private final Workload workload;
    private final Cluster cluster;
    private final Placement placement;
    private Map<Integer, Double> deaths = Map.of();
    private double[] shares;
    private boolean record = true;

    /** A simulation of {@code workload} on {@code cluster} with partitions placed by {@code placement}. */
    public Simulator(Workload workload, Cluster cluster, Placement placement) {
        if (placement.workers() != cluster.size()) {
            throw new IllegalArgumentException("placement workers=" + placement.workers() + " cluster workers=" + cluster.size());
        }
        this.workload = workload;
        this.cluster = cluster;
        this.placement = placement;
        this.shares = new double[placement.partitions()];
        java.util.Arrays.fill(shares, 1.0 / placement.partitions());
    }

    /**
     * The share of the data each partition holds (default equal shares). On workers of unequal
     * speed, shares proportional to speed ({@link Cluster#proportionalShares()}) balance MOP: with
     * equal shares the slowest worker must still process every trial's share.
     */
    public Simulator withPartitionShares(double[] shares) {
        if (shares.length != placement.partitions()) {
            throw new IllegalArgumentException("shares=" + shares.length + " expected one per partition="
                + placement.partitions());
        }
        double sum = java.util.Arrays.stream(shares).sum();
        if (Math.abs(sum - 1) > 1e-9 || java.util.Arrays.stream(shares).anyMatch(x -> !(x > 0))) {
            throw new IllegalArgumentException("partition shares must be positive and sum to 1, got sum=" + sum);
        }
        this.shares = shares.clone();
        return this;
    }

    /** Workers that die: worker -> time in seconds. */
    public Simulator withDeaths(Map<Integer, Double> deaths) {
        this.deaths = Map.copyOf(deaths);
        return this;
    }

    /** Whether to keep every unit's times (for checks); off for large runs. */
    public Simulator recording(boolean record) {
        this.record = record;
        return this;
    }

    private record Event(double time, double start, int worker, Unit unit, boolean death) {
    }

    /**
     * Runs {@code scheduler} to the end.
     *
     * @throws IllegalStateException when no unit can run and the work is not done (e.g. a
     *                               partition lost its last live worker)
     */
    public ScheduleResult run(UnitScheduler scheduler) {
        int p = cluster.size();
        PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.time != b.time ? Double.compare(a.time, b.time)
            : a.death != b.death ? (a.death ? -1 : 1) : Integer.compare(a.worker, b.worker));
        deaths.forEach((w, time) -> events.add(new Event(time, time, w, null, true)));
        boolean[] alive = new boolean[p];
        Arrays.fill(alive, true);
        Event[] runningOn = new Event[p];
        double[] busy = new double[p];
        int[] lastWorker = new int[workload.size()];
        Arrays.fill(lastWorker, -1);
        List<ScheduleResult.Timed> units = new ArrayList<>();
        long hops = 0;
        double now = 0;
        double makespan = 0;
        while (true) {
            for (int w = 0; w < p; w++) {
                if (alive[w] && runningOn[w] == null) {
                    Unit unit = scheduler.next(w);
                    if (unit != null) {
                        Workload.Trial trial = workload.trials().get(unit.trial());
                        boolean hop = lastWorker[unit.trial()] >= 0 && lastWorker[unit.trial()] != w;
                        hops += hop ? 1 : 0;
                        double duration = trial.epochSeconds() * shares[unit.partition()] / cluster.speed(w)
                            + (hop ? trial.hopSeconds() : 0);
                        Event end = new Event(now + duration, now, w, unit, false);
                        runningOn[w] = end;
                        events.add(end);
                        lastWorker[unit.trial()] = w;
                        if (record) {
                            units.add(new ScheduleResult.Timed(unit, now, now + duration));
                        }
                    }
                }
            }
            if (scheduler.isDone()) {
                break;
            }
            Event event = nextLive(events, runningOn);
            if (event == null) {
                throw new IllegalStateException("simulation stuck at t=" + now + ": no unit can run but the work is not done"
                    + " (a partition may have lost every worker that held it)");
            }
            now = event.time;
            if (event.death) {
                alive[event.worker] = false;
                Event inFlight = runningOn[event.worker];
                if (inFlight != null) {
                    runningOn[event.worker] = null;
                    scheduler.lost(inFlight.unit); // its partial work is wasted, not counted as busy
                    if (record) {
                        units.removeIf(timed -> timed.unit() == inFlight.unit);
                    }
                }
                continue;
            }
            runningOn[event.worker] = null;
            busy[event.worker] += event.time - event.start;
            scheduler.completed(event.unit);
            makespan = Math.max(makespan, now);
        }
        double[] idle = new double[p];
        for (int w = 0; w < p; w++) {
            idle[w] = alive[w] ? makespan - busy[w] : 0;
        }
        return new ScheduleResult(makespan, cluster.lowerBound(workload), idle, units, hops);
    }

    private static Event nextLive(PriorityQueue<Event> events, Event[] runningOn) {
        while (!events.isEmpty()) {
            Event e = events.poll();
            if (e.death || runningOn[e.worker] == e) {
                return e;
            }
        }
        return null;
    }
}
