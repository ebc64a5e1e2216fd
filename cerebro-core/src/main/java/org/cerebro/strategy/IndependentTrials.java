package org.cerebro.strategy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final Map<Integer, Integer> running = new HashMap<>(); // trial -> last epoch ended
    private long started;

    IndependentTrials(long count, int epochs, LongFunction<Config> configs) {
        this.count = count;
        this.epochs = epochs;
        this.configs = configs;
    }

    @Override
    public Decision next() {
        if (started < count) {
            if (started >= Integer.MAX_VALUE) {
                throw new IllegalStateException("more than " + Integer.MAX_VALUE + " trials started");
            }
            int id = (int) started++;
            running.put(id, 0);
            return new Decision.Start(id, configs.apply(id), epochs);
        }
        return running.isEmpty() ? Decision.DONE : Decision.WAIT;
    }

    @Override
    public EpochDecision epochEnded(int trialId, int epoch, double score) {
        Integer last = running.get(trialId);
        if (last == null || epoch != last + 1) {
            throw new IllegalStateException("trial=" + trialId + " epoch=" + epoch + " expected a running trial's epoch "
                + (last == null ? "(not running)" : String.valueOf(last + 1)));
        }
        if (epoch >= epochs) {
            running.remove(trialId);
            return EpochDecision.STOP;
        }
        running.put(trialId, epoch);
        return EpochDecision.CONTINUE;
    }

    @Override
    public void trialFailed(int trialId, int epoch, String reason) {
        running.remove(trialId);
    }

    @Override
    public List<RungReport> rungs() {
        return List.of();
    }
}
