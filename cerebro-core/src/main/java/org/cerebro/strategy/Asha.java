package org.cerebro.strategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.cerebro.space.SearchSpace;

/**
 * Asynchronous successive halving (ASHA; Li et al., MLSys 2020). Rungs sit at
 * {@code minEpochs * eta^k} epochs up to {@code maxEpochs} (which is always the top rung). When
 * the driver has room, ASHA promotes a paused trial that is in the top {@code 1/eta} of the trials
 * recorded at its rung (from the highest rung down); if none qualifies and the budget allows, it
 * starts a new config at the bottom rung. Trials stop at the top rung.
 *
 * <p>A budget is required: {@link #maxTrials(int)}, {@link #timeBudget(Duration)} or both. The
 * time budget only stops new trials from starting; promotions go on. Immutable; the
 * {@code with}-style methods return copies.
 */
public final class Asha implements Strategy {
    private final int minEpochs;
    private final int maxEpochs;
    private final int eta;
    private final int maxTrials;
    private final Duration timeBudget;
    private final int minActiveTrials;
    private final LongSupplier nanoClock;
    private final Sampler sampler;

    Asha(int minEpochs, int maxEpochs, int eta, int maxTrials, Duration timeBudget, int minActiveTrials) {
        this(minEpochs, maxEpochs, eta, maxTrials, timeBudget, minActiveTrials, System::nanoTime, Sampler.random());
    }

    private Asha(int minEpochs, int maxEpochs, int eta, int maxTrials, Duration timeBudget, int minActiveTrials,
                 LongSupplier nanoClock, Sampler sampler) {
        Strategy.checkEpochs("minEpochs", minEpochs);
        Strategy.checkEpochs("maxEpochs", maxEpochs);
        if (maxEpochs < minEpochs) {
            throw new IllegalArgumentException("asha maxEpochs=" + maxEpochs + " is below minEpochs=" + minEpochs);
        }
        Strategy.checkEta(eta);
        this.minEpochs = minEpochs;
        this.maxEpochs = maxEpochs;
        this.eta = eta;
        this.maxTrials = maxTrials;
        this.timeBudget = timeBudget;
        this.minActiveTrials = minActiveTrials;
        this.nanoClock = nanoClock;
        this.sampler = sampler;
    }

    /** The same search with new trials' configs from {@code sampler}, e.g. {@code Sampler.tpe()} (BOHB-like). */
    public Asha sampler(Sampler sampler) {
        if (sampler == null) {
            throw new IllegalArgumentException("asha sampler is null");
        }
        return new Asha(minEpochs, maxEpochs, eta, maxTrials, timeBudget, minActiveTrials, nanoClock, sampler);
    }

    /** At most {@code trials} configs are started. */
    public Asha maxTrials(int trials) {
        if (trials < 1) {
            throw new IllegalArgumentException("asha maxTrials=" + trials + " expected>=1");
        }
        if (maxTrials != 0) {
            throw new IllegalArgumentException("asha maxTrials given twice: " + maxTrials + " and " + trials);
        }
        return new Asha(minEpochs, maxEpochs, eta, trials, timeBudget, minActiveTrials, nanoClock, sampler);
    }

    /** No config starts after {@code budget} has passed since the search began (a budget over 292 years has no end). */
    public Asha timeBudget(Duration budget) {
        Objects.requireNonNull(budget, "timeBudget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("asha timeBudget=" + budget + " expected > 0");
        }
        if (timeBudget != null) {
            throw new IllegalArgumentException("asha timeBudget given twice: " + timeBudget + " and " + budget);
        }
        return new Asha(minEpochs, maxEpochs, eta, maxTrials, budget, minActiveTrials, nanoClock, sampler);
    }

    /** Keep at least this many trials active (default 1; the driver also keeps every worker fed). */
    public Asha minActiveTrials(int trials) {
        if (trials < 1) {
            throw new IllegalArgumentException("asha minActiveTrials=" + trials + " expected>=1");
        }
        return new Asha(minEpochs, maxEpochs, eta, maxTrials, timeBudget, trials, nanoClock, sampler);
    }

    /** The clock the time budget reads, in nanoseconds (default {@link System#nanoTime()}); for tests. */
    public Asha clock(LongSupplier nanos) {
        return new Asha(minEpochs, maxEpochs, eta, maxTrials, timeBudget, minActiveTrials, Objects.requireNonNull(nanos),
            sampler);
    }

    /** The rung epochs: {@code minEpochs * eta^k} below {@code maxEpochs}, then {@code maxEpochs}. */
    public int[] rungEpochs() {
        List<Integer> rungs = new ArrayList<>();
        for (long e = minEpochs; e < maxEpochs; e *= eta) {
            rungs.add((int) e);
        }
        rungs.add(maxEpochs);
        return rungs.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The reduction factor. */
    public int eta() {
        return eta;
    }

    /** The trial budget, 0 when there is none. */
    public int maxTrials() {
        return maxTrials;
    }

    /** The time budget, or null. */
    public Duration timeBudget() {
        return timeBudget;
    }

    /**
     * @throws IllegalArgumentException when neither a trial nor a time budget is set
     */
    @Override
    public StrategyState begin(SearchSpace space, long seed) {
        if (maxTrials == 0 && timeBudget == null) {
            throw new IllegalArgumentException("asha needs a budget: call maxTrials(n) or timeBudget(duration)");
        }
        long budgetNanos = timeBudget == null ? -1
            : timeBudget.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeBudget.toNanos();
        return new AshaState(rungEpochs(), eta, maxTrials, budgetNanos, nanoClock, sampler.begin(space, seed));
    }

    @Override
    public int minEpochs() {
        return minEpochs;
    }

    @Override
    public int maxEpochs() {
        return maxEpochs;
    }

    @Override
    public int targetConcurrency(int workers) {
        return Math.max(Strategy.activeTrialsFor(workers), minActiveTrials);
    }

    /**
     * Successive halving's shape over the trial budget (or, with only a time budget, over
     * {@code 3 * targetConcurrency} trials): {@code n / eta^k} trials reach rung {@code k}.
     */
    @Override
    public List<Integer> plannedEpochs(SearchSpace space, int workers, int cap) {
        int n = maxTrials > 0 ? maxTrials : 3 * targetConcurrency(workers);
        int[] rungs = rungEpochs();
        List<Integer> epochs = new ArrayList<>();
        long reaching = n;
        for (int k = 0; k < rungs.length && reaching > 0; k++) {
            long next = k + 1 < rungs.length ? reaching / eta : 0;
            for (long t = 0; t < reaching - next && epochs.size() < cap; t++) {
                epochs.add(rungs[k]);
            }
            reaching = next;
        }
        return epochs;
    }

    @Override
    public String describe() {
        return "asha(r=" + minEpochs + ", R=" + maxEpochs + ", eta=" + eta
            + (maxTrials > 0 ? ", maxTrials=" + maxTrials : "") + (timeBudget != null ? ", timeBudget=" + timeBudget : "")
            + (sampler == Sampler.random() ? "" : ", sampler=" + sampler.describe()) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Asha a && a.minEpochs == minEpochs && a.maxEpochs == maxEpochs && a.eta == eta
            && a.maxTrials == maxTrials && Objects.equals(a.timeBudget, timeBudget) && a.minActiveTrials == minActiveTrials
            && a.sampler.equals(sampler);
    }

    @Override
    public int hashCode() {
        return Objects.hash(minEpochs, maxEpochs, eta, maxTrials, timeBudget, minActiveTrials, sampler);
    }

    @Override
    public String toString() {
        return describe();
    }
}
