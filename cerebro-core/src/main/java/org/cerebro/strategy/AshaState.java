package org.cerebro.strategy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * ASHA's state machine. Each rung keeps its recorded trials split into the best
 * {@code floor(n / eta)} ("top") and the rest, plus the unpromoted members of the top, all in
 * sorted sets: recording and promoting cost O(log n), so a decision stays in microseconds with
 * 10^5 trials recorded. Not thread-safe (one driver thread).
 */
final class AshaState implements StrategyState {
    private final int[] rungEpochs;
    private final int eta;
    private final int maxTrials;
    private final long budgetNanos;
    private final LongSupplier clock;
    private final SamplerState sampler;
    private final Rung[] rungs;
    private long startNanos;
    private boolean begun;
    private int started;
    /** Per trial, the rung it trains towards: its logical place in ASHA, not whether it runs. */
    private final Map<Integer, Integer> rungOf = new HashMap<>();

    /** A trial recorded at a rung; ordered best first, ties by lower id. */
    private static final class Entry {
        final double score;
        final int id;
        boolean promoted;

        Entry(double score, int id) {
            this.score = score;
            this.id = id;
        }
    }

    private static final Comparator<Entry> BEST_FIRST =
        Comparator.<Entry>comparingDouble(e -> -e.score).thenComparingInt(e -> e.id);

    private final class Rung {
        final TreeSet<Entry> top = new TreeSet<>(BEST_FIRST);
        final TreeSet<Entry> rest = new TreeSet<>(BEST_FIRST);
        final TreeSet<Entry> candidates = new TreeSet<>(BEST_FIRST); // unpromoted members of top
        final List<Integer> recorded = new ArrayList<>();
        final List<Integer> promoted = new ArrayList<>();

        void add(Entry entry) {
            recorded.add(entry.id);
            rest.add(entry);
            // keep every top entry better than every other: one insertion needs at most one swap
            if (!top.isEmpty() && BEST_FIRST.compare(rest.first(), top.last()) < 0) {
                Entry demoted = top.pollLast();
                candidates.remove(demoted);
                rest.add(demoted);
                moveBestOfRestToTop();
            }
            while (top.size() < recorded.size() / eta) {
                moveBestOfRestToTop();
            }
        }

        private void moveBestOfRestToTop() {
            Entry best = rest.pollFirst();
            top.add(best);
            if (!best.promoted) {
                candidates.add(best);
            }
        }

        int promote() {
            Entry entry = candidates.pollFirst();
            entry.promoted = true;
            promoted.add(entry.id);
            return entry.id;
        }
    }

    AshaState(int[] rungEpochs, int eta, int maxTrials, long budgetNanos, LongSupplier clock, SamplerState sampler) {
        this.rungEpochs = rungEpochs;
        this.eta = eta;
        this.maxTrials = maxTrials;
        this.budgetNanos = budgetNanos;
        this.clock = clock;
        this.sampler = sampler;
        this.rungs = new Rung[rungEpochs.length];
        for (int i = 0; i < rungs.length; i++) {
            rungs[i] = new Rung();
        }
    }

    @Override
    public Decision next() {
        if (!begun) {
            begun = true;
            startNanos = clock.getAsLong();
        }
        for (int k = rungs.length - 2; k >= 0; k--) {
            if (!rungs[k].candidates.isEmpty()) {
                int id = rungs[k].promote();
                rungOf.put(id, k + 1);
                return new Decision.Resume(id, rungEpochs[k + 1]);
            }
        }
        if (budgetLeft()) {
            int id = started++;
            rungOf.put(id, 0);
            return new Decision.Start(id, sampler.next(id), rungEpochs[0]);
        }
        return Decision.WAIT; // a running trial may still earn a promotion
    }

    private boolean budgetLeft() {
        boolean trialsLeft = maxTrials == 0 || started < maxTrials;
        boolean timeLeft = budgetNanos < 0 || clock.getAsLong() - startNanos < budgetNanos;
        return trialsLeft && timeLeft && started < Integer.MAX_VALUE;
    }

    @Override
    public EpochDecision epochEnded(int trialId, int epoch, double score) {
        Integer rung = rungOf.get(trialId);
        if (rung == null || epoch > rungEpochs[rung]) {
            throw new IllegalStateException("trial=" + trialId + " epoch=" + epoch + " expected a started trial at or below"
                + " its rung's " + (rung == null ? "(unknown trial)" : rungEpochs[rung] + " epochs"));
        }
        sampler.observe(trialId, epoch, score);
        if (epoch < rungEpochs[rung]) {
            return EpochDecision.CONTINUE;
        }
        if (rung == rungs.length - 1) {
            rungs[rung].recorded.add(trialId);
            return EpochDecision.STOP;
        }
        rungs[rung].add(new Entry(score, trialId));
        return EpochDecision.PAUSE;
    }

    @Override
    public void trialFailed(int trialId, int epoch, String reason) {
        sampler.failed(trialId); // a failed trial is never recorded at a rung, so never promoted
    }

    @Override
    public List<RungReport> rungs() {
        List<RungReport> reports = new ArrayList<>();
        for (int k = 0; k < rungs.length; k++) {
            reports.add(new RungReport(0, k, rungEpochs[k], -1, rungs[k].recorded, rungs[k].promoted));
        }
        return reports;
    }
}
