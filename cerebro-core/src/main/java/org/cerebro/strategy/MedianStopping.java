package org.cerebro.strategy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cerebro.space.SearchSpace;

/**
 * {@code trials} configs from a {@link Sampler}, each trained up to {@code epochs} epochs, with
 * the median stopping rule (Google Vizier's, as Ray Tune implements it): after epoch {@code t}
 * (once {@code t >= gracePeriod}), a trial stops when its best score so far is worse than the
 * median of the other trials' running averages over their first {@code t} epochs, provided at
 * least {@code minSamples} other trials have reached epoch {@code t}. It needs no rungs and
 * suits any number of epochs; it decides only from scores seen, so the same scores in the same
 * order give the same stops.
 *
 * @param trials      number of configs
 * @param epochs      the most epochs a trial trains
 * @param gracePeriod the first epoch at which a trial may be stopped
 * @param minSamples  other trials that must have reached an epoch before it is used to stop one
 * @param sampler     what decides each trial's config
 */
public record MedianStopping(int trials, int epochs, int gracePeriod, int minSamples, Sampler sampler)
    implements Strategy {
    /** Validates them. */
    public MedianStopping {
        if (trials < 1 || gracePeriod < 1 || minSamples < 1 || sampler == null) {
            throw new IllegalArgumentException("medianStopping trials=" + trials + " gracePeriod=" + gracePeriod
                + " minSamples=" + minSamples + " sampler=" + sampler + " expected >= 1, >= 1, >= 1 and a sampler");
        }
        Strategy.checkEpochs("epochs", epochs);
    }

    /** The same rule with its first possible stop at epoch {@code epoch} (default 1). */
    public MedianStopping gracePeriod(int epoch) {
        return new MedianStopping(trials, epochs, epoch, minSamples, sampler);
    }

    /** The same rule needing {@code count} other trials at an epoch (default 3). */
    public MedianStopping minSamples(int count) {
        return new MedianStopping(trials, epochs, gracePeriod, count, sampler);
    }

    /** The same rule with configs from {@code sampler}, e.g. {@code Sampler.tpe()}. */
    public MedianStopping sampler(Sampler sampler) {
        return new MedianStopping(trials, epochs, gracePeriod, minSamples, sampler);
    }

    @Override
    public StrategyState begin(SearchSpace space, long seed) {
        return new State(sampler.begin(space, seed));
    }

    @Override
    public int minEpochs() {
        return Math.min(gracePeriod, epochs);
    }

    @Override
    public int maxEpochs() {
        return epochs;
    }

    /** At most {@code epochs} each: stops are not known in advance. */
    @Override
    public List<Integer> plannedEpochs(SearchSpace space, int workers, int cap) {
        return Collections.nCopies(Math.min(cap, trials), epochs);
    }

    @Override
    public String describe() {
        return "medianStopping(trials=" + trials + ", epochs=" + epochs + ", grace=" + gracePeriod + ", minSamples="
            + minSamples + (sampler == Sampler.random() ? "" : ", sampler=" + sampler.describe()) + ")";
    }

    private final class State implements StrategyState {
        private final SamplerState configs;
        private final Map<Integer, List<Double>> scores = new HashMap<>();
        private int started;

        State(SamplerState configs) {
            this.configs = configs;
        }

        @Override
        public Decision next() {
            if (started < trials) {
                int id = started++;
                return new Decision.Start(id, configs.next(id), epochs);
            }
            return Decision.DONE;
        }

        @Override
        public EpochDecision epochEnded(int trialId, int epoch, double score) {
            List<Double> mine = scores.computeIfAbsent(trialId, t -> new ArrayList<>());
            if (trialId < 0 || trialId >= started || epoch != mine.size() + 1 || epoch > epochs) {
                throw new IllegalStateException("trial=" + trialId + " epoch=" + epoch + " expected a started trial's"
                    + " next epoch, at most " + epochs);
            }
            mine.add(score);
            configs.observe(trialId, epoch, score);
            if (epoch == epochs) {
                return EpochDecision.STOP;
            }
            return epoch >= gracePeriod && belowMedian(trialId, epoch) ? EpochDecision.STOP : EpochDecision.CONTINUE;
        }

        private boolean belowMedian(int trialId, int epoch) {
            List<Double> averages = new ArrayList<>();
            for (Map.Entry<Integer, List<Double>> other : scores.entrySet()) {
                List<Double> history = other.getValue();
                if (other.getKey() != trialId && history.size() >= epoch) {
                    double sum = 0;
                    for (int e = 0; e < epoch; e++) {
                        sum += history.get(e);
                    }
                    averages.add(sum / epoch);
                }
            }
            if (averages.size() < minSamples) {
                return false;
            }
            Collections.sort(averages);
            int n = averages.size();
            double median = n % 2 == 1 ? averages.get(n / 2) : (averages.get(n / 2 - 1) + averages.get(n / 2)) / 2;
            double best = Collections.max(scores.get(trialId));
            return best < median;
        }

        @Override
        public void trialFailed(int trialId, int epoch, String reason) {
            configs.failed(trialId);
        }

        @Override
        public List<RungReport> rungs() {
            return List.of();
        }
    }
}
