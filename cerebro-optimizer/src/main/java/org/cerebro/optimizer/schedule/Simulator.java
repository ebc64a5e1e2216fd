package org.cerebro.optimizer.schedule;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.Executor;
import org.cerebro.exec.Placement;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitWork;
import org.cerebro.exec.VisitPolicy;
import org.cerebro.exec.WorkerEvent;
import org.cerebro.plan.Operator;
import org.cerebro.runtime.Kernel;
import org.cerebro.runtime.TrialTable;
import org.cerebro.runtime.Unit;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * A discrete-event simulation of the runtime {@link Kernel} on a synthetic cluster, with no
 * training: the real kernel and unit scheduler run, driven through a transport whose units take
 * virtual time. A unit of trial {@code t} over partition {@code i} on worker {@code w} takes
 * {@code epochSeconds_t * share_i / speed_w}, plus the trial's hop time when its previous unit ran
 * on another worker. Workers may be set to die at given times: the unit they run is lost and the
 * kernel places it again. Every trial is granted its epochs one at a time, as a search does.
 *
 * <p>Deterministic: the same workload, cluster, policy and seed give the same schedule.
 */
public final class Simulator {
    private final Workload workload;
    private final Cluster cluster;
    private final Placement placement;
    private Map<Integer, Double> deaths = Map.of();
    private double[] shares;
    private boolean record = true;

    /**
     * A simulation of {@code workload} on {@code cluster}; {@code placement} gives the partitions
     * and their replicas (partition {@code i} on worker {@code i mod p} and the next ones).
     */
    public Simulator(Workload workload, Cluster cluster, Placement placement) {
        if (placement.workers() != cluster.size()) {
            throw new IllegalArgumentException("placement workers=" + placement.workers() + " cluster workers="
                + cluster.size());
        }
        this.workload = workload;
        this.cluster = cluster;
        this.placement = placement;
        this.shares = new double[placement.partitions()];
        Arrays.fill(shares, 1.0 / placement.partitions());
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
        double sum = Arrays.stream(shares).sum();
        if (Math.abs(sum - 1) > 1e-9 || Arrays.stream(shares).anyMatch(x -> !(x > 0))) {
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

    /**
     * Runs the workload to the end under {@code operator} ({@link Operator#MOP} with
     * {@code policy}, or {@link Operator#TASK_PARALLEL}).
     *
     * @throws IllegalStateException when no unit can run and the work is not done (e.g. a
     *                               partition lost its last live worker)
     */
    public ScheduleResult run(Operator operator, VisitPolicy policy, long seed) {
        VirtualTransport transport = new VirtualTransport(policy, operator);
        List<Dataset> partitions = new ArrayList<>();
        try (Dataset validation = oneRecord("validation")) {
            for (int i = 0; i < placement.partitions(); i++) {
                partitions.add(oneRecord("partition-" + i));
            }
            try (Kernel kernel = Kernel.open(new Kernel.Settings(transport, NO_TRAINING, new DataSpec(1, 2), partitions,
                validation, seed, operator, null, unit -> { }))) {
                for (int t = 0; t < workload.size(); t++) {
                    kernel.start(t, Config.of(Map.of("trial", t)), t);
                    kernel.runEpoch(t);
                }
                while (kernel.outstanding() > 0) {
                    EpochOutcome outcome = kernel.next();
                    if (kernel.trials().get(outcome.trialId()).epochsDone()
                        < workload.trials().get(outcome.trialId()).epochs()) {
                        kernel.runEpoch(outcome.trialId());
                    } else {
                        kernel.end(outcome.trialId(), TrialTable.Phase.COMPLETED);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("simulation interrupted", e);
            }
        } finally {
            partitions.forEach(Dataset::close);
        }
        return transport.result();
    }

    private static Dataset oneRecord(String name) {
        return Datasets.fromArrays(name, new float[][] {{0f}}, new int[] {0}, 2, org.cerebro.data.Storage.direct());
    }

    /** The simulation never trains: its transport does not call the trainable. */
    private static final Trainable NO_TRAINING = new Trainable() {
        @Override
        public String name() {
            return "simulated";
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            throw new UnsupportedOperationException("a simulation does not train");
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            throw new UnsupportedOperationException("a simulation does not train");
        }
    };

    /** A transport whose workers take virtual time: {@link #poll} returns the next event in time order. */
    private final class VirtualTransport implements Executor {
        private final VisitPolicy policy;
        private final Operator operator;
        private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Double.compare(a.time, b.time) : a.death != b.death ? (a.death ? -1 : 1) : Integer.compare(a.worker, b.worker));
        private final Event[] runningOn = new Event[cluster.size()];
        private final boolean[] alive = new boolean[cluster.size()];
        private final double[] busy = new double[cluster.size()];
        private final int[] lastWorker = new int[workload.size()];
        private final List<ScheduleResult.Timed> units = new ArrayList<>();
        private final Deque<WorkerEvent> due = new ArrayDeque<>();
        private long hops;
        private double now;
        private double makespan;

        VirtualTransport(VisitPolicy policy, Operator operator) {
            this.policy = policy;
            this.operator = operator;
            Arrays.fill(alive, true);
            Arrays.fill(lastWorker, -1);
            deaths.forEach((w, time) -> events.add(new Event(time, time, w, null, true)));
        }

        @Override
        public String name() {
            return "simulated " + cluster.size() + " workers";
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
            return placement.replicas();
        }

        @Override
        public VisitPolicy visitPolicy() {
            return policy;
        }

        @Override
        public void open(ExecutionContext context) {
            if (operator == Operator.MOP && !Arrays.deepEquals(rows(context.placement()), rows(placement))) {
                throw new IllegalArgumentException("the kernel placed " + context.placement() + ", the simulation "
                    + placement);
            }
        }

        private int[][] rows(Placement p) {
            int[][] rows = new int[p.workers()][];
            for (int w = 0; w < rows.length; w++) {
                rows[w] = p.partitionsOf(w);
            }
            return rows;
        }

        @Override
        public void start(int worker, UnitWork work) {
            Workload.Trial trial = workload.trials().get(work.trialId());
            boolean hop = lastWorker[work.trialId()] >= 0 && lastWorker[work.trialId()] != worker;
            hops += hop ? 1 : 0;
            double duration = trial.epochSeconds() * shares[work.partition()] / cluster.speed(worker)
                + (hop ? trial.hopSeconds() : 0);
            Event end = new Event(now + duration, now, worker, work, false);
            runningOn[worker] = end;
            events.add(end);
            lastWorker[work.trialId()] = worker;
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
                Metrics metrics = work.evaluate() ? Metrics.of(0, 0) : null;
                due.add(new WorkerEvent.UnitDone(event.worker, work, new UnitResult(new TrialState.Bytes(new byte[0]),
                    0, metrics, null, null, null, 0, 0)));
            }
            return due.poll();
        }

        @Override
        public void close() {
        }

        ScheduleResult result() {
            double[] idle = new double[cluster.size()];
            for (int w = 0; w < idle.length; w++) {
                idle[w] = alive[w] ? makespan - busy[w] : 0;
            }
            return new ScheduleResult(makespan, cluster.lowerBound(workload), idle, units, hops);
        }
    }

    private record Event(double time, double start, int worker, UnitWork work, boolean death) {
    }

    /** Runs the workload to the end under model hopper parallelism with {@code policy}. */
    public ScheduleResult run(VisitPolicy policy, long seed) {
        return run(Operator.MOP, policy, seed);
    }
}
