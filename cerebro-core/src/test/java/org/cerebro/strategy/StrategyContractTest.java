package org.cerebro.strategy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in scheduler with every sampler, and a strategy a user wrote, keep the strategy
 * contract; strategies that break it are caught, each with the rule it broke.
 */
class StrategyContractTest {
    static final SearchSpace SPACE = SearchSpace.of(HParam.logUniform("lr", 1e-4, 1e-1).gridPoints(3),
        HParam.choice("width", 16, 32, 64), HParam.intRange("depth", 1, 3).gridPoints(2));

    static Stream<Strategy> builtIns() {
        return Stream.of(Strategy.grid(3), Strategy.random(12, 4), Strategy.tpe(15, 3),
            Strategy.asha(1, 9, 3).maxTrials(20), Strategy.asha(1, 9, 3).maxTrials(20).sampler(Sampler.tpe()),
            Strategy.hyperband(9, 3), Strategy.hyperband(9, 3).sampler(Sampler.tpe()), Strategy.medianStopping(12, 5),
            Strategy.medianStopping(12, 5).gracePeriod(2).sampler(Sampler.tpe()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIns")
    void everyBuiltInStrategyKeepsTheContract(Strategy strategy) {
        StrategyContract.verify(strategy, SPACE);
    }

    @Test
    void aStrategyAUserWroteKeepsTheContractAndRunsInASearch() {
        StrategyContract.verify(new Thresholds(10, 4, 0.3), SPACE);
        org.cerebro.SearchResult result = org.cerebro.Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.01, 0.1),
                HParam.choice("hidden", 0, 8)))
            .trainable(new org.cerebro.train.MlpTrainable())
            .data(org.cerebro.train.MlpTrainableTest.blobs(300, 1), org.cerebro.train.MlpTrainableTest.blobs(100, 2))
            .strategy(new Thresholds(4, 3, 0.5)).objective(org.cerebro.Objective.maximize("accuracy")).seed(3)
            .progress(false).run();
        assertTrue(result.trials().size() == 4 && result.epochsCompleted() >= 4, result.leaderboardTable(4));
        result.trials().forEach(t -> assertTrue(t.epochsCompleted() >= 1 && t.epochsCompleted() <= 3, t.toString()));
    }

    private static String violations(Strategy strategy) {
        return assertThrows(IllegalStateException.class, () -> StrategyContract.verify(strategy, SPACE)).getMessage();
    }

    @Test
    void aStrategyThatTrainsPastItsBudgetIsCaught() {
        String message = violations(new Thresholds(5, 3, -1) {
            @Override
            public StrategyState begin(SearchSpace space, long seed) {
                StrategyState inner = super.begin(space, seed);
                return new Delegate(inner) {
                    @Override
                    public EpochDecision epochEnded(int trialId, int epoch, double score) {
                        inner.epochEnded(trialId, epoch, score);
                        return epoch < 5 ? EpochDecision.CONTINUE : EpochDecision.STOP;
                    }
                };
            }
        });
        assertTrue(message.contains("told to CONTINUE after epoch 3, its budget is 3 epochs"), message);
    }

    @Test
    void aStrategyThatResumesAStoppedTrialIsCaught() {
        String message = violations(new Thresholds(5, 3, 2.0) {
            @Override
            public StrategyState begin(SearchSpace space, long seed) {
                StrategyState inner = super.begin(space, seed);
                return new Delegate(inner) {
                    boolean resumed;

                    @Override
                    public Decision next() {
                        Decision decision = inner.next();
                        if (decision instanceof Decision.Done && !resumed) {
                            resumed = true;
                            return new Decision.Resume(0, 2); // trial 0 stopped below the threshold
                        }
                        return decision;
                    }
                };
            }
        });
        assertTrue(message.contains("Resume of trial 0, which was stopped or failed"), message);
    }

    @Test
    void aStrategyThatLooksAtTheClockIsCaught() {
        String message = violations(new Thresholds(6, 2, 0.3) {
            @Override
            public StrategyState begin(SearchSpace space, long seed) {
                return super.begin(space, seed ^ System.nanoTime());
            }
        });
        assertTrue(message.contains("two runs with the same seed and results differ"), message);
    }

    /**
     * A user's strategy: {@code trials} random configs, each trained while its score stays above
     * {@code threshold}, up to {@code epochs}. Written against the public API only.
     */
    static class Thresholds implements Strategy {
        final int trials;
        final int epochs;
        final double threshold;

        Thresholds(int trials, int epochs, double threshold) {
            this.trials = trials;
            this.epochs = epochs;
            this.threshold = threshold;
        }

        @Override
        public StrategyState begin(SearchSpace space, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            Deque<Integer> ids = new ArrayDeque<>();
            for (int i = 0; i < trials; i++) {
                ids.add(i);
            }
            return new StrategyState() {
                @Override
                public Decision next() {
                    if (ids.isEmpty()) {
                        return new Decision.Done();
                    }
                    int id = ids.poll();
                    return new Decision.Start(id, space.sample(random.nextLong(), id), epochs);
                }

                @Override
                public EpochDecision epochEnded(int trialId, int epoch, double score) {
                    return epoch < epochs && score > threshold ? EpochDecision.CONTINUE : EpochDecision.STOP;
                }

                @Override
                public void trialFailed(int trialId, int epoch, String reason) {
                }

                @Override
                public List<RungReport> rungs() {
                    return List.of();
                }
            };
        }

        @Override
        public int minEpochs() {
            return 1;
        }

        @Override
        public int maxEpochs() {
            return epochs;
        }
    }

    /** Passes every call to {@code inner}; tests override one to break a rule. */
    abstract static class Delegate implements StrategyState {
        final StrategyState inner;

        Delegate(StrategyState inner) {
            this.inner = inner;
        }

        @Override
        public Decision next() {
            return inner.next();
        }

        @Override
        public EpochDecision epochEnded(int trialId, int epoch, double score) {
            return inner.epochEnded(trialId, epoch, score);
        }

        @Override
        public void trialFailed(int trialId, int epoch, String reason) {
            inner.trialFailed(trialId, epoch, reason);
        }

        @Override
        public List<RungReport> rungs() {
            return inner.rungs();
        }
    }
}
