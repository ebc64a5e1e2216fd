package org.cerebro.strategy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cerebro.space.Config;

/**
 * Drives a strategy without training anything: trials' scores come from a learning-curve
 * function, and with {@code concurrency > 1} epochs finish in a random order, as they would on
 * several workers. Records everything a property needs to check.
 */
final class StrategySimulator {
    /** The score of a trial at an epoch. */
    interface Curve {
        double score(int trialId, Config config, int epoch);
    }

    /** Called at each promotion, before the promoted trial runs again. */
    interface PromotionCheck {
        void promoted(int trialId, int fromEpoch, double score);
    }

    final Map<Integer, Integer> epochsOf = new HashMap<>();
    final Map<Integer, Config> configs = new HashMap<>();
    final Map<Integer, Map<Integer, Double>> scores = new HashMap<>();
    final List<String> log = new ArrayList<>();
    final List<Decision.Exploit> exploits = new ArrayList<>();
    long epochsRun;
    long decisions;

    void run(StrategyState state, int concurrency, long seed, Curve curve, PromotionCheck check) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> active = new ArrayList<>();
        Map<Integer, Integer> targets = new HashMap<>();
        boolean done = false;
        while (true) {
            while (!done && active.size() < concurrency) {
                Decision d = state.next();
                decisions++;
                log.add(d.toString());
                if (d instanceof Decision.Start s) {
                    configs.put(s.trialId(), s.config());
                    epochsOf.put(s.trialId(), 0);
                    targets.put(s.trialId(), s.targetEpoch());
                    active.add(s.trialId());
                } else if (d instanceof Decision.Resume r) {
                    int at = epochsOf.get(r.trialId());
                    check.promoted(r.trialId(), at, scores.get(r.trialId()).get(at));
                    targets.put(r.trialId(), r.targetEpoch());
                    active.add(r.trialId());
                } else if (d instanceof Decision.Exploit e) {
                    configs.put(e.trialId(), e.config());
                    exploits.add(e);
                    targets.put(e.trialId(), e.targetEpoch());
                    active.add(e.trialId());
                } else if (d instanceof Decision.Done) {
                    done = true;
                } else {
                    break;
                }
            }
            if (active.isEmpty()) {
                return; // nothing runs and nothing starts: no event will ever come
            }
            int trial = active.remove(random.nextInt(active.size()));
            int epoch = epochsOf.merge(trial, 1, Integer::sum);
            epochsRun++;
            double score = curve.score(trial, configs.get(trial), epoch);
            scores.computeIfAbsent(trial, k -> new HashMap<>()).put(epoch, score);
            EpochDecision decision = state.epochEnded(trial, epoch, score);
            decisions++;
            log.add(trial + "@" + epoch + "=" + decision);
            if (decision == EpochDecision.CONTINUE) {
                active.add(trial);
            } else if (epoch != targets.get(trial)) {
                throw new AssertionError("trial " + trial + " " + decision + " at epoch " + epoch + " before its target "
                    + targets.get(trial));
            }
        }
    }
}
