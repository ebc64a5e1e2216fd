package org.cerebro.strategy;

import java.util.ArrayList;
import java.util.List;
import org.cerebro.space.SearchSpace;

/**
 * Hyperband (Li et al., JMLR 2018) at epoch granularity. With {@code R = maxEpochs} and reduction
 * factor {@code eta}: {@code s_max = floor(log_eta R)}, {@code B = (s_max + 1) R}; bracket
 * {@code s} starts {@code n = ceil((B / R) eta^s / (s + 1))} configs at {@code r = R eta^-s}
 * epochs, then successive halving: rung {@code i} holds {@code n_i = floor(n eta^-i)} trials at
 * {@code r_i = r eta^i} epochs, and the best {@code n_{i+1}} of a completed rung are promoted
 * (they resume from their state, so a promotion costs {@code r_{i+1} - r_i} more epochs).
 * For R = 81, eta = 3 the brackets start at (81, 1), (34, 3), (15, 9), (8, 27), (5, 81).
 *
 * <p>Brackets are independent, so they run concurrently: the most exploratory bracket is
 * filled first and the others take any room left. Epoch counts that are not integers round to the
 * nearest epoch (at least 1).
 *
 * <p>New trials' configs come from a {@link Sampler}: random by default; with
 * {@code .sampler(Sampler.tpe())} each new config is proposed from every score reported so far
 * in any bracket (the BOHB idea, with TPE for BOHB's kernel density model).
 *
 * @param maxEpochs R, the most epochs a trial trains
 * @param eta       the reduction factor, at least 2
 * @param sampler   where new trials' configs come from
 */
public record Hyperband(int maxEpochs, int eta, Sampler sampler) implements Strategy {
    /** Validates. */
    public Hyperband {
        Strategy.checkEpochs("maxEpochs", maxEpochs);
        Strategy.checkEta(eta);
        if (sampler == null) {
            throw new IllegalArgumentException("hyperband sampler is null");
        }
    }

    /** Hyperband with random configs. */
    public Hyperband(int maxEpochs, int eta) {
        this(maxEpochs, eta, Sampler.random());
    }

    /** The same search with new trials' configs from {@code sampler}, e.g. {@code Sampler.tpe()} (BOHB-like). */
    public Hyperband sampler(Sampler sampler) {
        return new Hyperband(maxEpochs, eta, sampler);
    }

    /**
     * One rung of a bracket's plan.
     *
     * @param trials n_i
     * @param epochs r_i
     */
    public record Rung(int trials, int epochs) {
    }

    /**
     * One bracket's plan.
     *
     * @param s     the bracket index, {@code s_max} for the most exploratory
     * @param rungs its rungs, from the first
     */
    public record Bracket(int s, List<Rung> rungs) {
        /** Copies the rungs. */
        public Bracket {
            rungs = List.copyOf(rungs);
        }

        /** Epochs the bracket's plan spends if every promotion trained from scratch: sum of n_i r_i. */
        public long budget() {
            long total = 0;
            for (Rung rung : rungs) {
                total += (long) rung.trials() * rung.epochs();
            }
            return total;
        }
    }

    /** {@code s_max = floor(log_eta R)}, computed exactly in integers. */
    public int sMax() {
        int s = 0;
        long power = eta;
        while (power <= maxEpochs) {
            s++;
            power *= eta;
        }
        return s;
    }

    /** {@code B = (s_max + 1) R}: the budget of each bracket's plan. */
    public long bracketBudget() {
        return (long) (sMax() + 1) * maxEpochs;
    }

    /** The brackets' plans, from {@code s = s_max} down to 0. */
    public List<Bracket> brackets() {
        int sMax = sMax();
        List<Bracket> brackets = new ArrayList<>();
        for (int s = sMax; s >= 0; s--) {
            long etaS = pow(eta, s);
            int n = (int) ceilDiv((long) (sMax + 1) * etaS, s + 1);
            List<Rung> rungs = new ArrayList<>();
            for (int i = 0; i <= s; i++) {
                int trials = (int) (n / pow(eta, i));
                int epochs = (int) Math.max(1, Math.round(maxEpochs * Math.pow(eta, i - s)));
                rungs.add(new Rung(trials, Math.min(epochs, maxEpochs)));
            }
            brackets.add(new Bracket(s, rungs));
        }
        return brackets;
    }

    @Override
    public StrategyState begin(SearchSpace space, long seed) {
        return new HyperbandState(brackets(), sampler.begin(space, seed));
    }

    @Override
    public int minEpochs() {
        return brackets().get(0).rungs().get(0).epochs();
    }

    @Override
    public List<Integer> plannedEpochs(SearchSpace space, int workers, int cap) {
        List<Integer> epochs = new ArrayList<>();
        for (Bracket bracket : brackets()) {
            List<Rung> rungs = bracket.rungs();
            for (int i = 0; i < rungs.size(); i++) {
                int next = i + 1 < rungs.size() ? rungs.get(i + 1).trials() : 0;
                for (int t = 0; t < rungs.get(i).trials() - next && epochs.size() < cap; t++) {
                    epochs.add(rungs.get(i).epochs());
                }
            }
        }
        return epochs;
    }

    @Override
    public String describe() {
        return "hyperband(R=" + maxEpochs + ", eta=" + eta
            + (sampler == Sampler.random() ? "" : ", sampler=" + sampler.describe()) + ")";
    }

    private static long pow(int base, int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result *= base;
        }
        return result;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
