package org.cerebro.strategy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;

/**
 * The contract every {@link Strategy} keeps (every scheduler, with any sampler), checked by
 * driving it without training anything: trials' scores come from a deterministic learning curve of
 * their config, several trials are in flight at once and their epochs end in a seeded order (as on
 * several workers), and some trials fail. Use it in your own strategy's unit test:
 *
 * <pre>{@code
 * StrategyContract.verify(new MyStrategy(...), space);   // throws, listing every violation
 * }</pre>
 *
 * <p>What it checks, for seeds 1..3 and 1 and 4 trials in flight:
 * <ul>
 * <li>a new trial has a new id and a config of the space (every active parameter and no inactive
 * one, each value in its domain);</li>
 * <li>no trial trains past {@link Strategy#maxEpochs()}, and targets are in {@code [1, maxEpochs]};</li>
 * <li>only a paused trial is resumed, to a target beyond the epochs it trained: a stopped, failed or
 * running trial never is; a trial takes over another's state only when both are paused at the
 * same epoch;</li>
 * <li>it finishes (a {@link Decision.Wait} with no trial running ends a search, as does {@link Decision.Done});</li>
 * <li>decisions come only from the results it was told: the same seed and the same results in the
 * same order give the same decisions, in a second state made by {@link Strategy#begin}.</li>
 * </ul>
 */
public final class StrategyContract {
    /** A search of more decisions than this is taken not to finish. */
    static final long MAX_DECISIONS = 1_000_000;

    private StrategyContract() {
    }

    /**
     * Checks {@code strategy} over {@code space}.
     *
     * @throws IllegalStateException listing every violation found, with the seed and the decision
     */
    public static void verify(Strategy strategy, SearchSpace space) {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(space, "space");
        List<String> violations = new ArrayList<>();
        for (int concurrency : new int[] {1, 4}) {
            for (long seed = 1; seed <= 3; seed++) {
                Run first = new Run(strategy, space, seed, concurrency);
                first.drive();
                violations.addAll(first.violations);
                if (first.violations.isEmpty()) {
                    Run second = new Run(strategy, space, seed, concurrency);
                    second.drive();
                    if (!second.log.equals(first.log)) {
                        int at = 0;
                        while (at < Math.min(first.log.size(), second.log.size())
                               && first.log.get(at).equals(second.log.get(at))) {
                            at++;
                        }
                        violations.add("seed=" + seed + " concurrency=" + concurrency + ": two runs with the same seed"
                            + " and results differ at decision " + at + ": " + (at < first.log.size() ? first.log.get(at)
                            : "(ended)") + " vs " + (at < second.log.size() ? second.log.get(at) : "(ended)")
                            + " (a clock, a shared random or state kept between runs?)");
                    }
                }
                if (violations.size() > 20) {
                    break;
                }
            }
        }
        if (!violations.isEmpty()) {
            throw new IllegalStateException("strategy " + strategy + " breaks the strategy contract:\n  "
                + String.join("\n  ", violations.subList(0, Math.min(violations.size(), 20))));
        }
    }

    /** One simulated search. */
    private static final class Run {
        final Strategy strategy;
        final SearchSpace space;
        final long seed;
        final int concurrency;
        final List<String> log = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        final Map<Integer, Config> configs = new HashMap<>();
        final Map<Integer, Integer> trained = new HashMap<>();
        final Map<Integer, Integer> targets = new HashMap<>();
        final Set<Integer> paused = new HashSet<>();
        final Set<Integer> finished = new HashSet<>();

        Run(Strategy strategy, SearchSpace space, long seed, int concurrency) {
            this.strategy = strategy;
            this.space = space;
            this.seed = seed;
            this.concurrency = concurrency;
        }

        void violation(String message) {
            violations.add("seed=" + seed + " concurrency=" + concurrency + ": " + message);
        }

        void drive() {
            StrategyState state = strategy.begin(space, seed);
            SplittableRandom order = new SplittableRandom(seed * 31 + concurrency);
            List<Integer> running = new ArrayList<>();
            boolean done = false;
            long decisions = 0;
            while (violations.isEmpty()) {
                while (!done && running.size() < concurrency && violations.isEmpty()) {
                    Decision decision = state.next();
                    log.add(decision.toString());
                    if (++decisions > MAX_DECISIONS) {
                        violation("no Done after " + MAX_DECISIONS + " decisions");
                        return;
                    }
                    if (decision instanceof Decision.Start start) {
                        start(start, running);
                    } else if (decision instanceof Decision.Resume resume) {
                        resume(resume, running);
                    } else if (decision instanceof Decision.Exploit exploit) {
                        exploit(exploit, running);
                    } else if (decision instanceof Decision.Done) {
                        done = true;
                    } else if (decision instanceof Decision.Wait) {
                        break; // with nothing running, the search ends here
                    }
                }
                if (running.isEmpty() || !violations.isEmpty()) {
                    return;
                }
                int trial = running.remove(order.nextInt(running.size()));
                int epoch = trained.merge(trial, 1, Integer::sum);
                if (failsAt(trial) == epoch) {
                    state.trialFailed(trial, epoch, "simulated failure");
                    log.add(trial + "@" + epoch + "=FAILED");
                    finished.add(trial);
                    continue;
                }
                EpochDecision decision = state.epochEnded(trial, epoch, score(configs.get(trial), epoch));
                log.add(trial + "@" + epoch + "=" + decision);
                if (++decisions > MAX_DECISIONS) {
                    violation("no Done after " + MAX_DECISIONS + " decisions");
                    return;
                }
                if (decision == EpochDecision.CONTINUE) {
                    if (epoch >= strategy.maxEpochs()) {
                        violation("trial " + trial + " told to CONTINUE after epoch " + epoch + ", its budget is "
                            + strategy.maxEpochs() + " epochs");
                    }
                    running.add(trial);
                } else if (decision == EpochDecision.PAUSE) {
                    paused.add(trial);
                } else {
                    finished.add(trial);
                }
            }
        }

        void start(Decision.Start start, List<Integer> running) {
            int id = start.trialId();
            if (configs.containsKey(id)) {
                violation("Start of trial " + id + ", an id already used");
                return;
            }
            checkTarget(id, start.targetEpoch(), 0);
            checkConfig(id, start.config());
            configs.put(id, start.config());
            trained.put(id, 0);
            targets.put(id, start.targetEpoch());
            running.add(id);
        }

        void checkConfig(int id, Config config) {
            java.util.Map<String, Object> seen = new java.util.LinkedHashMap<>();
            for (HParam<?> param : space.params()) {
                Object value = config.values().get(param.name());
                boolean active = param.activeGiven(seen);
                if (value != null) {
                    seen.put(param.name(), value);
                }
                if (value == null && active) {
                    violation("trial " + id + "'s config " + config + " lacks " + param.name());
                } else if (value != null && !active) {
                    violation("trial " + id + "'s config " + config + " has " + param.name() + ", inactive"
                        + " unless " + param.parent() + " is in " + param.parentValues());
                } else if (value != null && !param.contains(value)) {
                    violation("trial " + id + "'s " + param.name() + "=" + value + " is outside " + param);
                }
            }
        }

        void resume(Decision.Resume resume, List<Integer> running) {
            int id = resume.trialId();
            if (!configs.containsKey(id)) {
                violation("Resume of trial " + id + ", never started");
            } else if (finished.contains(id)) {
                violation("Resume of trial " + id + ", which was stopped or failed");
            } else if (!paused.contains(id)) {
                violation("Resume of trial " + id + ", which is running, not paused");
            } else {
                checkTarget(id, resume.targetEpoch(), trained.get(id));
                paused.remove(id);
                targets.put(id, resume.targetEpoch());
                running.add(id);
            }
        }

        void exploit(Decision.Exploit exploit, List<Integer> running) {
            int source = exploit.sourceTrialId();
            if (!paused.contains(source) || !trained.get(source).equals(trained.get(exploit.trialId()))) {
                violation("trial " + exploit.trialId() + " takes over trial " + source + "'s state, which is not paused"
                    + " at the same epoch (paused: " + paused + ")");
                return;
            }
            checkConfig(exploit.trialId(), exploit.config());
            resume(new Decision.Resume(exploit.trialId(), exploit.targetEpoch()), running);
            configs.put(exploit.trialId(), exploit.config());
        }

        void checkTarget(int id, int target, int done) {
            if (target < 1 || target > strategy.maxEpochs() || target <= done) {
                violation("trial " + id + " targets epoch " + target + " after " + done + " trained; expected "
                    + (done + 1) + ".." + strategy.maxEpochs());
            }
        }

        /** Every 7th trial fails in its first epoch: a strategy must carry on without it. */
        static int failsAt(int trialId) {
            return trialId % 7 == 6 ? 1 : -1;
        }

        /** A deterministic learning curve: a config's quality, approached as epochs go by. */
        static double score(Config config, int epoch) {
            long hash = config.canonical().hashCode() * 0x9E3779B97F4A7C15L;
            double quality = (hash >>> 11) / (double) (1L << 53);
            return quality * (1.0 - 1.0 / (epoch + 1));
        }
    }
}
