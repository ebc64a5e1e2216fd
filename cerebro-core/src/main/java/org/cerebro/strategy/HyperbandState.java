package org.cerebro.strategy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hyperband's state machine: per bracket, the rung being filled, its scores and the promotions
 * it has decided. A rung completes when every trial of its cohort has reported (or failed); then
 * its best {@code n_{i+1}} are queued to resume. Not thread-safe (one driver thread).
 */
final class HyperbandState implements StrategyState {
    private final List<BracketState> brackets = new ArrayList<>();
    private final Map<Integer, TrialInfo> trials = new HashMap<>();
    private final SamplerState sampler;
    private int nextId;

    /** A trial's logical place: its bracket and the rung it trains towards (not whether it runs). */
    private static final class TrialInfo {
        final int bracket;
        int rung;

        TrialInfo(int bracket) {
            this.bracket = bracket;
        }
    }

    private static final class BracketState {
        final Hyperband.Bracket plan;
        final List<List<Integer>> recorded = new ArrayList<>();
        final List<List<Integer>> promoted = new ArrayList<>();
        final Map<Integer, Double> scores = new HashMap<>(); // at the rung being completed
        final Deque<Integer> pending = new ArrayDeque<>();
        int started;
        int rung;       // the rung whose cohort is still reporting
        int cohort;     // trials of that rung's cohort
        int reported;   // of them, reported or failed

        /** Whether the bracket's last rung has reported in full: it will never start or resume a trial again. */
        boolean complete() {
            return rung == plan.rungs().size() - 1 && reported == cohort && pending.isEmpty();
        }

        BracketState(Hyperband.Bracket plan) {
            this.plan = plan;
            for (int i = 0; i < plan.rungs().size(); i++) {
                recorded.add(new ArrayList<>());
                promoted.add(new ArrayList<>());
            }
            cohort = plan.rungs().get(0).trials();
        }
    }

    HyperbandState(List<Hyperband.Bracket> plans, SamplerState sampler) {
        this.sampler = sampler;
        for (Hyperband.Bracket plan : plans) {
            brackets.add(new BracketState(plan));
        }
    }

    @Override
    public Decision next() {
        for (int b = 0; b < brackets.size(); b++) {
            BracketState bracket = brackets.get(b);
            if (bracket.started < bracket.plan.rungs().get(0).trials()) {
                bracket.started++;
                int id = nextId++;
                trials.put(id, new TrialInfo(b));
                return new Decision.Start(id, sampler.next(id), bracket.plan.rungs().get(0).epochs());
            }
            if (!bracket.pending.isEmpty()) {
                int id = bracket.pending.poll();
                TrialInfo trial = trials.get(id);
                trial.rung++;
                return new Decision.Resume(id, bracket.plan.rungs().get(trial.rung).epochs());
            }
        }
        return brackets.stream().allMatch(BracketState::complete) ? Decision.DONE : Decision.WAIT;
    }

    @Override
    public EpochDecision epochEnded(int trialId, int epoch, double score) {
        TrialInfo trial = started(trialId, epoch);
        sampler.observe(trialId, epoch, score);
        BracketState bracket = brackets.get(trial.bracket);
        List<Hyperband.Rung> rungs = bracket.plan.rungs();
        if (epoch < rungs.get(trial.rung).epochs()) {
            return EpochDecision.CONTINUE;
        }
        bracket.recorded.get(trial.rung).add(trialId);
        bracket.scores.put(trialId, score);
        boolean last = trial.rung == rungs.size() - 1;
        reported(bracket);
        return last ? EpochDecision.STOP : EpochDecision.PAUSE;
    }

    @Override
    public void trialFailed(int trialId, int epoch, String reason) {
        sampler.failed(trialId);
        reported(brackets.get(started(trialId, epoch).bracket));
    }

    /** Counts one report at the bracket's current rung; on the cohort's last, promotes the best. */
    private void reported(BracketState bracket) {
        bracket.reported++;
        if (bracket.reported < bracket.cohort || bracket.rung == bracket.plan.rungs().size() - 1) {
            return;
        }
        int keep = bracket.plan.rungs().get(bracket.rung + 1).trials();
        List<Integer> survivors = bracket.scores.entrySet().stream()
            .sorted(Comparator.<Map.Entry<Integer, Double>>comparingDouble(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey))
            .limit(keep)
            .map(Map.Entry::getKey)
            .toList();
        bracket.promoted.get(bracket.rung).addAll(survivors);
        bracket.pending.addAll(survivors);
        bracket.scores.clear();
        bracket.rung++;
        bracket.cohort = survivors.size();
        bracket.reported = 0;
    }

    private TrialInfo started(int trialId, int epoch) {
        TrialInfo trial = trials.get(trialId);
        if (trial == null) {
            throw new IllegalStateException("trial=" + trialId + " epoch=" + epoch + ": not a trial this strategy started");
        }
        return trial;
    }

    @Override
    public List<RungReport> rungs() {
        List<RungReport> reports = new ArrayList<>();
        for (BracketState bracket : brackets) {
            for (int i = 0; i < bracket.plan.rungs().size(); i++) {
                Hyperband.Rung rung = bracket.plan.rungs().get(i);
                reports.add(new RungReport(bracket.plan.s(), i, rung.epochs(), rung.trials(),
                    bracket.recorded.get(i), bracket.promoted.get(i)));
            }
        }
        return reports;
    }
}
