package org.cerebro.optimizer.schedule;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.Executor;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitWork;
import org.cerebro.exec.VisitPolicy;
import org.cerebro.exec.WorkerEvent;
import org.cerebro.plan.Operator;
import org.cerebro.runtime.Unit;
import org.cerebro.train.Metrics;

/**
 * An executor whose workers take virtual time and never train: {@link #poll} returns the next
 * event in time order at once, so the real kernel (and, under a search, the real strategy)
 * runs a schedule of hours in milliseconds. A unit of trial {@code t} over partition {@code i}
 * on worker {@code w} takes {@code costs.epochSeconds(unit) * share_i / speed_w}, plus
 * {@code costs.hopSeconds(unit)} when the trial's previous unit ran on another worker; an
 * evaluating unit reports {@code scores.at(unit)}. Workers may die at given times: the unit they
 * run is lost. Deterministic: the same calls give the same events.
 *
 * <p>One search at a time ({@link #open} resets the clock); not thread-safe (the kernel calls it
 * from one thread).
 */
public final class VirtualExecutor implements Executor {
    /** How long units take. */
    public interface Costs {
        /** Seconds one epoch of {@code unit}'s trial over all the data takes on a speed-1 worker. */
        double epochSeconds(UnitWork unit);

        /** Seconds to move {@code unit}'s trial state to another worker. */
        default double hopSeconds(UnitWork unit) {
            return 0;
        }
    }

    /** What an evaluating unit reports. */
    public interface Scores {
        /** The metrics of {@code unit}'s trial after its epoch {@code unit.epoch()}. */
        Metrics at(UnitWork unit);
    }

    private final Cluster cluster;
    private final int replicas;
    private final VisitPolicy policy;
    private final Costs costs;
    private final Scores scores;
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.time != b.time
        ? Double.compare(a.time, b.time) : a.death != b.death ? (a.death ? -1 : 1) : Integer.compare(a.worker, b.worker));
    private final Event[] runningOn;
    private final boolean[] alive;
    private final double[] busy;
    private final Map<Integer, Integer> lastWorker = new HashMap<>();
    private final List<ScheduleResult.Timed> units = new ArrayList<>();
    private final Deque<WorkerEvent> due = new ArrayDeque<>();
    private Map<Integer, Double> deaths = Map.of();
    private double[] shares;
    private boolean record = true;
    private ExecutionContext context;
    private long hops;
    private double now;
    private double makespan;

    /**
     * Workers of {@code cluster}'s speeds; each partition on {@code replicas} of them under MOP,
     * visited with {@code policy}.
     */
    public VirtualExecutor(Cluster cluster, int replicas, VisitPolicy policy, Costs costs, Scores scores) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas=" + replicas + " expected >= 1");
        }
        this.replicas = replicas;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.costs = Objects.requireNonNull(costs, "costs");
        this.scores = Objects.requireNonNull(scores, "scores");
        this.runningOn = new Event[cluster.size()];
        this.alive = new boolean[cluster.size()];
        this.busy = new double[cluster.size()];
    }

    /** The share of the data each partition holds; by default equal shares. */
    public VirtualExecutor partitionShares(double[] partitionShares) {
        this.shares = checkShares(partitionShares).clone();
        return this;
    }

    /** {@code shares}, when they are positive and sum to 1. */
    static double[] checkShares(double[] shares) {
        double sum = Arrays.stream(shares).sum();
        if (Math.abs(sum - 1) > 1e-9 || Arrays.stream(shares).anyMatch(x -> !(x > 0))) {
            throw new IllegalArgumentException("partition shares must be positive and sum to 1, got sum=" + sum);
        }
        return shares;
    }

    /** Workers that die: worker -> time in seconds. */
    public VirtualExecutor deaths(Map<Integer, Double> workerDeaths) {
        this.deaths = Map.copyOf(workerDeaths);
        return this;
    }

    /** Whether to keep every unit's times (for checks); off for large runs. */
    public VirtualExecutor recording(boolean keep) {
        this.record = keep;
        return this;
    }

    @Override
    public String name() {
        return "virtual " + cluster.size() + " workers";
    }

    @Override
    public int workers() {
        return cluster.size();
    }

    @Override
    public Set<Operator> operators() {
        return EnumSet.of(Operator.MOP, Operator.TASK_PARALLEL);
    }

    @Override
    public int replicas() {
        return replicas;
    }

    @Override
    public VisitPolicy visitPolicy() {
        return policy;
    }

    @Override
    public void open(ExecutionContext opened) {
        int partitions = opened.partitions().size();
        if (shares != null && shares.length != partitions) {
            throw new IllegalArgumentException("partition shares=" + shares.length + " but the search has "
                + partitions + " partitions");
        }
        if (shares == null) {
            shares = new double[partitions];
            Arrays.fill(shares, 1.0 / partitions);
        }
        context = opened;
        events.clear();
        due.clear();
        units.clear();
        lastWorker.clear();
        Arrays.fill(runningOn, null);
        Arrays.fill(alive, true);
        Arrays.fill(busy, 0);
        hops = 0;
        now = 0;
        makespan = 0;
        deaths.forEach((w, time) -> events.add(new Event(time, time, w, null, true)));
    }

    /** The trainable a search on a virtual executor names: it is never called, nothing trains. */
    public static org.cerebro.train.Trainable trainable() {
        return NO_TRAINING;
    }

    private static final org.cerebro.train.Trainable NO_TRAINING = new org.cerebro.train.Trainable() {
        @Override
        public String name() {
            return "virtual";
        }

        @Override
        public org.cerebro.train.TrainableState init(org.cerebro.space.Config config, long seed,
                                                     org.cerebro.train.DataSpec data) {
            throw new UnsupportedOperationException("a virtual executor does not train");
        }

        @Override
        public org.cerebro.train.TrainableState restore(org.cerebro.space.Config config,
                                                        org.cerebro.train.DataSpec data, byte[] bytes) {
            throw new UnsupportedOperationException("a virtual executor does not train");
        }
    };

    /** The placement the kernel asked for when it opened this executor. */
    public org.cerebro.exec.Placement placement() {
        return context.placement();
    }

    @Override
    public void start(int worker, UnitWork work) {
        Integer last = lastWorker.put(work.trialId(), worker);
        boolean hop = last != null && last != worker;
        hops += hop ? 1 : 0;
        double share = work.partition() >= 0 ? shares[work.partition()] : 1; // task parallelism: the whole epoch
        double duration = costs.epochSeconds(work) * share / cluster.speed(worker) + (hop ? costs.hopSeconds(work) : 0);
        Event end = new Event(now + duration, now, worker, work, false);
        runningOn[worker] = end;
        events.add(end);
    }

    @Override
    public WorkerEvent poll(long timeout, TimeUnit unit) {
        while (due.isEmpty()) {
            Event event = events.poll();
            if (event == null) {
                return null; // nothing will ever happen: the kernel reports what is stuck
            }
            if (!event.death && runningOn[event.worker] != event) {
                continue; // its worker died before it ended
            }
            now = event.time;
            runningOn[event.worker] = null;
            if (event.death) {
                alive[event.worker] = false;
                due.add(new WorkerEvent.Lost(event.worker, "died at t=" + event.time));
                continue;
            }
            busy[event.worker] += event.time - event.start;
            makespan = Math.max(makespan, now);
            UnitWork work = event.work;
            if (record) {
                units.add(new ScheduleResult.Timed(new Unit(work.trialId(), work.epoch(), work.partition(),
                    event.worker), event.start, event.time));
            }
            Metrics metrics = work.evaluate() ? scores.at(work) : null;
            due.add(new WorkerEvent.UnitDone(event.worker, work, new UnitResult(new TrialState.Bytes(new byte[0]),
                0, metrics, null, null, null, nanos(event.start), nanos(event.time))));
        }
        return due.poll();
    }

    /** The virtual clock: units start and end on it. */
    @Override
    public long nanoTime() {
        return nanos(now);
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }

    /** Virtual seconds until the last unit so far finished. */
    public double makespan() {
        return makespan;
    }

    /** The schedule so far, against {@code lowerBound}. */
    public ScheduleResult result(double lowerBound) {
        double[] idle = new double[cluster.size()];
        for (int w = 0; w < idle.length; w++) {
            idle[w] = alive[w] ? makespan - busy[w] : 0;
        }
        return new ScheduleResult(makespan, lowerBound, idle, List.copyOf(units), hops);
    }

    @Override
    public void close() {
    }

    private record Event(double time, double start, int worker, UnitWork work, boolean death) {
    }
}
