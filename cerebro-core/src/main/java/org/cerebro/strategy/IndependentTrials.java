package org.cerebro.strategy;

import java.util.List;
import java.util.function.LongFunction;
import org.cerebro.space.Config;

/**
 * The state machine of grid and random search: {@code count} independent trials, each trained to
 * {@code epochs}, started in index order. Configs are made only when started, so a grid of 10^9
 * points costs nothing up front.
 */
final class IndependentTrials implements StrategyState {
    private final long count;
    private final int epochs;
    private final LongFunction<Config> configs;
    private long started;

    private final SamplerState sampler;

    IndependentTrials(long count, int epochs, LongFunction<Config> configs) {
        this.count = count;
        this.epochs = epochs;
        this.configs = configs;
        this.sampler = null;
    }

    /** Trials whose configs come from {@code sampler}, told every score. */
    IndependentTrials(long count, int epochs, SamplerState sampler) {
        this.count = count;
        this.epochs = epochs;
        this.configs = id -> sampler.next((int) id);
        this.sampler = sampler;
    }

    @Override
    public Decision next() {
        if (started < count) {
            if (started >= Integer.MAX_VALUE) {
                throw new IllegalStateException("more than " + Integer.MAX_VALUE + " trials started");
            }
            int id = (int) started++;
            return new Decision.Start(id, configs.apply(id), epochs);
        }
        return Decision.DONE;
    }

    @Override
    public EpochDecision epochEnded(int trialId, int epoch, double score) {
        if (trialId < 0 || trialId >= started || epoch < 1 || epoch > epochs) {
            throw new IllegalStateException("trial=" + trialId + " epoch=" + epoch + " expected a started trial (0.."
                + (started - 1) + ") and an epoch in 1.." + epochs);
        }
        if (sampler != null) {
            sampler.observe(trialId, epoch, score);
        }
        return epoch == epochs ? EpochDecision.STOP : EpochDecision.CONTINUE;
    }

    @Override
    public void trialFailed(int trialId, int epoch, String reason) {
        if (sampler != null) {
            sampler.failed(trialId); // nothing to learn from it
        }
    }

    @Override
    public List<RungReport> rungs() {
        return List.of();
    }
}
