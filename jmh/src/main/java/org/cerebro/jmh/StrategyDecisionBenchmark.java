package org.cerebro.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Decision;
import org.cerebro.strategy.EpochDecision;
import org.cerebro.strategy.Strategy;
import org.cerebro.strategy.StrategyState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one strategy decision cycle with 10^5 trials already recorded at the bottom rung:
 * a trial ends its rung epoch ({@code epochEnded}), then the strategy decides what runs next
 * ({@code next}, which promotes or starts a config). One operation is both events; the target is
 * under 10 µs per event, i.e. under 20 µs per operation. Each measured iteration is a batch of
 * 10,000 operations on a fresh state: divide the reported ms per batch by 10 to get µs per operation.
 *
 * <p>ASHA(1, 81, 3) holds 10^5 paused trials at rung 0 (a third of them promotable). Hyperband
 * (R = 2^17, eta = 2) has a first bracket of 131,072 configs, 10^5 of which have reported at its
 * first rung; each operation reports one more. Config sampling is part of every start.
 *
 * <pre>
 * java @jvm.options -jar jmh/target/benchmarks.jar StrategyDecisionBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, batchSize = 10_000)
@Measurement(iterations = 5, batchSize = 10_000)
@Fork(1)
public class StrategyDecisionBenchmark {
    private static final int RECORDED = 100_000;
    private static final SearchSpace SPACE = SearchSpace.of(HParam.logUniform("lr", 1e-4, 1), HParam.choice("width", 64, 128, 256));

    private StrategyState asha;
    private StrategyState hyperband;
    private SplittableRandom random;

    @Setup(Level.Iteration)
    public void setUp() {
        random = new SplittableRandom(1);
        asha = Strategy.asha(1, 81, 3).maxTrials(Integer.MAX_VALUE).begin(SPACE, 1);
        hyperband = Strategy.hyperband(1 << 17, 2).begin(SPACE, 1);
        // ASHA: record 10^5 trials at rung 0; promotions are decided but not run, so the rung keeps growing
        for (int i = 0; i < RECORDED; i++) {
            Decision d = asha.next();
            if (d instanceof Decision.Start s) {
                asha.epochEnded(s.trialId(), 1, random.nextDouble());
            }
        }
        for (int i = 0; i < RECORDED; i++) {
            Decision.Start s = (Decision.Start) hyperband.next();
            hyperband.epochEnded(s.trialId(), 1, random.nextDouble());
        }
    }

    /** ASHA: the next decision, then the outcome of a started trial at its rung. */
    @Benchmark
    public EpochDecision asha() {
        Decision d = asha.next();
        if (d instanceof Decision.Start s) {
            return asha.epochEnded(s.trialId(), 1, random.nextDouble());
        }
        return null; // a promotion: the promoted trial keeps running in the background
    }

    /** Hyperband: start the next config of the first bracket and report its first rung. */
    @Benchmark
    public EpochDecision hyperband() {
        Decision.Start s = (Decision.Start) hyperband.next();
        return hyperband.epochEnded(s.trialId(), 1, random.nextDouble());
    }
}
