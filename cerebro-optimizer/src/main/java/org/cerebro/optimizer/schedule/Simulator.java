package org.cerebro.optimizer.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.Placement;
import org.cerebro.exec.UnitWork;
import org.cerebro.exec.VisitPolicy;
import org.cerebro.plan.Operator;
import org.cerebro.runtime.Kernel;
import org.cerebro.runtime.TrialTable;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;

/**
 * A discrete-event simulation of the runtime {@link Kernel} on a synthetic cluster, with no
 * training: the real kernel and unit scheduler run, driven through a {@link VirtualExecutor}
 * whose units take virtual time. A unit of trial {@code t} over partition {@code i} on worker {@code w} takes
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
        this.shares = VirtualExecutor.checkShares(shares).clone();
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
        VirtualExecutor transport = new VirtualExecutor(cluster, placement.replicas(), policy, new VirtualExecutor.Costs() {
            @Override
            public double epochSeconds(UnitWork unit) {
                return workload.trials().get(unit.trialId()).epochSeconds();
            }

            @Override
            public double hopSeconds(UnitWork unit) {
                return workload.trials().get(unit.trialId()).hopSeconds();
            }
        }, unit -> Metrics.of(0, 0)).partitionShares(shares).deaths(deaths).recording(record);
        List<Dataset> partitions = new ArrayList<>();
        try (Dataset validation = oneRecord("validation")) {
            for (int i = 0; i < placement.partitions(); i++) {
                partitions.add(oneRecord("partition-" + i));
            }
            try (Kernel kernel = Kernel.open(new Kernel.Settings(transport, VirtualExecutor.trainable(), new DataSpec(1, 2), partitions,
                validation, seed, operator, null, unit -> { }))) {
                if (operator == Operator.MOP && !Arrays.deepEquals(rows(transport.placement()), rows(placement))) {
                    throw new IllegalArgumentException("the kernel placed " + transport.placement() + ", the simulation "
                        + placement);
                }
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
        return transport.result(cluster.lowerBound(workload));
    }

    private static int[][] rows(Placement p) {
        int[][] rows = new int[p.workers()][];
        for (int w = 0; w < rows.length; w++) {
            rows[w] = p.partitionsOf(w);
        }
        return rows;
    }

    private static Dataset oneRecord(String name) {
        return Datasets.fromArrays(name, new float[][] {{0f}}, new int[] {0}, 2, org.cerebro.data.Storage.direct());
    }


    /** Runs the workload to the end under model hopper parallelism with {@code policy}. */
    public ScheduleResult run(VisitPolicy policy, long seed) {
        return run(Operator.MOP, policy, seed);
    }
}
