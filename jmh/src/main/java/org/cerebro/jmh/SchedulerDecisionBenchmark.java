package org.cerebro.jmh;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.cerebro.optimizer.schedule.MopScheduler;
import org.cerebro.optimizer.schedule.Placement;
import org.cerebro.optimizer.schedule.Unit;
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
 * One MOP scheduling decision at 1,000 trials and 64 workers: the next worker in turn asks for a
 * unit ({@code next}), which then completes ({@code completed}). Target: at most 10 µs.
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
    @Param({"FREE", "FIXED"})
    MopScheduler.VisitPolicy policy;

    private MopScheduler scheduler;
    private int worker;

    @Setup(Level.Iteration)
    public void setUp() {
        int[] epochs = new int[1000];
        Arrays.fill(epochs, 1_000_000); // never finishes during a measurement
        scheduler = new MopScheduler(epochs, Placement.onePerWorker(64), policy, 1);
    }

    @Benchmark
    public Unit decide() {
        worker = worker == 63 ? 0 : worker + 1;
        Unit unit = scheduler.next(worker);
        if (unit != null) {
            scheduler.completed(unit);
        }
        return unit;
    }
}
