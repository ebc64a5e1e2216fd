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
 * the kernel does around it: the next worker in turn completes its unit in the table, the trial is
 * offered again (or its epoch closed and the next one granted), and the worker asks for a unit
 * ({@code next}) while the other 63 are busy, with worker speeds equal or differing. Target: at
 * most 10 µs.
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

    /**
     * Worker speeds: all equal, or differing (0.5 to 1.5, learned from the units before the
     * measurement), which makes decisions on every-worker placements speed-aware.
     */
    @Param({"equal", "differ"})
    String speeds;

    private TrialTable table;
    private MopScheduler scheduler;
    private int worker;
    private double now;
    private Unit[] running;

    @Setup(Level.Iteration)
    public void setUp() {
        table = new TrialTable(WORKERS, 1);
        running = new Unit[WORKERS];
        scheduler = new MopScheduler(table, Placement.replicated(WORKERS, WORKERS, replicas), policy, 1);
        for (int t = 0; t < 1000; t++) {
            Trial trial = table.register(t, Config.of(Map.of("t", t)), t);
            table.grant(trial);
            scheduler.offer(trial);
        }
        for (int t = 0; t < 1000; t += 10) { // each worker runs units of the same 100 trials
            for (int w = 0; w < WORKERS; w++) {
                scheduler.ran(new Unit(t, 1, 0, w), (1 + t % 7) / speed(w), now);
            }
        }
    }

    private double speed(int w) {
        return speeds.equals("equal") ? 1 : 0.5 + w / (WORKERS - 1.0);
    }

    /**
     * The next worker in turn finishes the unit it took on its last turn (so at every decision the
     * other 63 are busy) and asks for another.
     */
    @Benchmark
    public Unit decide() {
        worker = worker == WORKERS - 1 ? 0 : worker + 1;
        Unit done = running[worker];
        if (done != null) {
            Trial trial = table.get(done.trial());
            now += 0.01;
            scheduler.ran(done, (1 + done.trial() % 7) / speed(worker), now); // as the kernel reports each unit
            if (table.unitDone(trial, done.partition(), 0, TrialState.NONE)) {
                table.endEpoch(trial, new EpochOutcome(trial.id(), done.epoch(), Metrics.of(0, 0), 0, null,
                    trial.visitedThisEpoch()));
                table.grant(trial);
            }
            scheduler.offer(trial);
        }
        Unit unit = scheduler.next(worker);
        running[worker] = unit;
        if (unit != null) {
            table.started(table.get(unit.trial()), worker, false);
        }
        return unit;
    }
}
