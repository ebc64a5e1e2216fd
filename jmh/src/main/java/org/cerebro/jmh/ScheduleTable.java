package org.cerebro.jmh;

import java.util.Locale;
import org.cerebro.exec.Placement;
import org.cerebro.exec.VisitPolicy;
import org.cerebro.optimizer.schedule.Cluster;
import org.cerebro.optimizer.schedule.LptScheduler;
import org.cerebro.optimizer.schedule.ScheduleResult;
import org.cerebro.optimizer.schedule.Simulator;
import org.cerebro.optimizer.schedule.Workload;

/**
 * A bench harness (deterministic simulation, no timing): makespan divided by the lower bound for
 * MOP (free and fixed visit order, mean and worst of 5 seeds), task-parallel LPT and the runtime's
 * task-parallel scheduler on
 * {16, 256} configs x {8, 16} workers x {homogeneous, heterogeneous}, and 1,000 configs x 64
 * workers. 10 epochs per trial; a hop costs 1% of the trial's unit on a speed-1 worker (the
 * {@code HOP} column of the output shows the effect of 10%). Heterogeneous means trial costs
 * drawn log-uniformly from 360 to 21,000 MFLOPs per sample and worker speeds from [0.5, 1.5]; on
 * such clusters MOP runs with equal partitions and with partitions sized in proportion to worker
 * speed. Two more columns place each partition on more than one worker (equal partitions, fixed
 * visit order): on 2 workers (the cluster's default with 3 or more workers) and on every worker
 * (the local executor's default: its workers share one copy). Prints a Markdown table.
 *
 * <pre>
 * java @jvm.options -cp jmh/target/benchmarks.jar org.cerebro.jmh.ScheduleTable
 * </pre>
 */
public final class ScheduleTable {
    private static final int EPOCHS = 10;
    private static final double HOP_OF_UNIT = 0.01;
    private static final int SEEDS = 5;

    private ScheduleTable() {
    }

    public static void main(String[] args) {
        System.out.println("| configs | workers | cluster | lower bound (s) | MOP free mean (worst) | MOP fixed mean (worst)"
            + " | MOP free, speed-sized partitions (vs MOP's own bound) | MOP free, hop 10% of a unit | LPT task-parallel"
            + " | task-parallel, the runtime's scheduler | MOP fixed, each partition on 2 workers"
            + " | MOP fixed, every partition on every worker |");
        System.out.println("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int configs : new int[] {16, 256}) {
            for (int workers : new int[] {8, 16}) {
                for (boolean heterogeneous : new boolean[] {false, true}) {
                    row(configs, workers, heterogeneous);
                }
            }
        }
        row(1000, 64, false);
        row(1000, 64, true);
    }

    private static Workload workload(int configs, int workers, boolean heterogeneous, double hopOfUnit) {
        return heterogeneous
            ? Workload.heterogeneous(configs, EPOCHS, 10.0, hopOfUnit / workers, 42)
            : Workload.homogeneous(configs, 100.0, EPOCHS, 100.0 / workers * hopOfUnit);
    }

    private static void row(int configs, int workers, boolean heterogeneous) {
        Workload workload = workload(configs, workers, heterogeneous, HOP_OF_UNIT);
        Cluster cluster = heterogeneous ? Cluster.heterogeneous(workers, 42) : Cluster.homogeneous(workers);
        Placement placement = Placement.onePerWorker(workers);
        double[] equal = new double[workers];
        java.util.Arrays.fill(equal, 1.0 / workers);
        double[] free = ratios(workload, cluster, placement, VisitPolicy.FREE, equal);
        double[] fixed = ratios(workload, cluster, placement, VisitPolicy.FIXED, equal);
        double[] sized = ratios(workload, cluster, placement, VisitPolicy.FREE, cluster.proportionalShares());
        double[] heavyHops = ratios(workload(configs, workers, heterogeneous, 0.10), cluster, placement,
            VisitPolicy.FREE, cluster.proportionalShares());
        ScheduleResult lpt = LptScheduler.schedule(workload, cluster);
        double runtimeTask = new Simulator(workload, cluster, Placement.everywhere(workers, workers)).recording(false)
            .run(org.cerebro.plan.Operator.TASK_PARALLEL, VisitPolicy.FIXED, 0).ratio();
        double[] onTwo = ratios(workload, cluster, Placement.replicated(workers, workers, 2), VisitPolicy.FIXED, equal);
        double[] everywhere = ratios(workload, cluster, Placement.replicated(workers, workers, workers),
            VisitPolicy.FIXED, equal);
        double mopBound = cluster.mopLowerBound(workload, cluster.proportionalShares()) / cluster.lowerBound(workload);
        System.out.printf(Locale.ROOT, "| %d | %d | %s | %.0f | %.3f (%.3f) | %.3f (%.3f) | %s | %.3f | %.3f | %.3f"
            + " | %.3f (%.3f) | %.3f (%.3f) |%n", configs,
            workers, heterogeneous ? "heterogeneous" : "homogeneous", cluster.lowerBound(workload), free[0], free[1],
            fixed[0], fixed[1], heterogeneous
                ? String.format(Locale.ROOT, "%.3f (%.3f vs MOP bound)", sized[0], sized[0] / mopBound) : "same",
            heavyHops[0], lpt.ratio(), runtimeTask, onTwo[0], onTwo[1], everywhere[0], everywhere[1]);
    }

    /** {mean, worst} ratio over the seeds. */
    private static double[] ratios(Workload workload, Cluster cluster, Placement placement, VisitPolicy policy,
                                   double[] shares) {
        double sum = 0;
        double worst = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            ScheduleResult result = new Simulator(workload, cluster, placement).recording(false).withPartitionShares(shares)
                .run(policy, seed);
            sum += result.ratio();
            worst = Math.max(worst, result.ratio());
        }
        return new double[] {sum / SEEDS, worst};
    }
}
