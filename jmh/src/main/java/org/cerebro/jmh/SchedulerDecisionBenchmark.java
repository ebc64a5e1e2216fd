package org.cerebro.jmh;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.Placement;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.VisitPolicy;
import org.cerebro.runtime.MopScheduler;
import org.cerebro.runtime.TrialTable;
import org.cerebro.runtime.TrialTable.Trial;
import org.cerebro.runtime.Unit;
import org.cerebro.space.Config;
import org.cerebro.train.Metrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One MOP scheduling decision at 1,000 trials and 64 workers (each partition on one worker, or on
 * every worker as the local executor places them), with the trial table's bookkeeping
 * the kernel does around it: the next worker in turn asks for a unit ({@code next}), the unit
 * starts and completes in the table, and the trial is offered again (or its epoch closed and the
 * next one granted). Target: at most 10 µs.
 *
 * <pre>
 * java @jvm.options -jar jmh/target/benchmarks.jar SchedulerDecisionBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SchedulerDecisionBenchmark {
    private static final int WORKERS = 64;

    @Param({"FREE", "FIXED"})
    VisitPolicy policy;

    /** Workers serving each partition: 1 (the paper's MOP, a cluster of 2), 64 (the local executor's default). */
    @Param({"1", "64"})
    int replicas;

    private TrialTable table;
    private MopScheduler scheduler;
    private int worker;

    @Setup(Level.Iteration)
    public void setUp() {
        table = new TrialTable(WORKERS, 1);
        scheduler = new MopScheduler(table, Placement.replicated(WORKERS, WORKERS, replicas), policy, 1);
        for (int t = 0; t < 1000; t++) {
            Trial trial = table.register(t, Config.of(Map.of("t", t)), t);
            table.grant(trial);
            scheduler.offer(trial);
        }
    }

    @Benchmark
    public Unit decide() {
        worker = worker == WORKERS - 1 ? 0 : worker + 1;
        Unit unit = scheduler.next(worker);
        if (unit != null) {
            Trial trial = table.get(unit.trial());
            table.started(trial, worker, false);
            if (table.unitDone(trial, unit.partition(), 0, TrialState.NONE)) {
                table.endEpoch(trial, new EpochOutcome(trial.id(), unit.epoch(), Metrics.of(0, 0), 0, null,
                    trial.visitedThisEpoch()));
                table.grant(trial);
            }
            scheduler.offer(trial);
        }
        return unit;
    }
}
