package org.cerebro;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cerebro.space.Config;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Decision;
import org.cerebro.strategy.EpochDecision;
import org.cerebro.strategy.Strategy;
import org.cerebro.strategy.StrategyState;
import org.cerebro.train.Metrics;

/**
 * Ask and tell, for users who train models themselves: the same strategies and samplers as a
 * search, with no trainable, data or executor. {@link #ask()} gives the next piece of work (a new
 * trial's config, or a paused trial promoted), {@link #tell} reports an epoch's metrics and says
 * whether the trial trains on, and {@link #shouldStop} answers for a trial at any time.
 *
 * <pre>{@code
 * Study study = Study.create(space, Strategy.asha(1, 27, 3).maxTrials(50), Objective.maximize("accuracy"), 42);
 * for (Optional<Study.Work> work; (work = study.ask()).isPresent(); ) {
 *     Study.Work w = work.get();
 *     for (int epoch = w.fromEpoch(); epoch <= w.toEpoch(); epoch++) {
 *         Metrics metrics = trainOneEpochOfYourModel(w.trialId(), w.config());
 *         if (study.tell(w.trialId(), epoch, metrics) != EpochDecision.CONTINUE) {
 *             break; // paused (it may be asked for again) or stopped
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>With one worker (as above) {@link #ask()} is empty only when the study is over; with several
 * workers asking concurrently it is also empty while the strategy waits for results (then ask
 * again after a {@link #tell}; {@link #finished()} says when it is over). Thread-safe: every
 * method is synchronized.
 */
public final class Study {
    /**
     * Work for the caller: train trial {@code trialId} with {@code config} from epoch
     * {@code fromEpoch} to {@code toEpoch} (telling each epoch), where the strategy decides next.
     * Under population-based training {@code stateFrom} names another trial whose model (as of
     * epoch {@code fromEpoch - 1}, your checkpoint of it) this trial continues from, with its new
     * config; otherwise it is -1 and the trial continues from its own.
     */
    public record Work(int trialId, Config config, int fromEpoch, int toEpoch, int stateFrom) {
        /** Work that continues the trial's own model. */
        public Work(int trialId, Config config, int fromEpoch, int toEpoch) {
            this(trialId, config, fromEpoch, toEpoch, -1);
        }

        /** Whether the trial continues from another trial's model ({@link #stateFrom()}). */
        public boolean copiesState() {
            return stateFrom >= 0;
        }
    }

    private final SearchSpace space;
    private final Strategy strategy;
    private final Objective objective;
    private final StrategyState state;
    private final Map<Integer, Config> configs = new LinkedHashMap<>();
    private final Map<Integer, Integer> epochsDone = new LinkedHashMap<>();
    private final Map<Integer, Integer> targets = new LinkedHashMap<>();
    private final Map<Integer, EpochDecision> lastDecision = new LinkedHashMap<>();
    private final Map<Integer, Double> bestScore = new LinkedHashMap<>();
    private boolean done;

    private Study(SearchSpace space, Strategy strategy, Objective objective, long seed) {
        this.space = space;
        this.strategy = strategy;
        this.objective = objective;
        this.state = strategy.begin(space, seed);
    }

    /**
     * A study of {@code strategy} over {@code space}, optimising {@code objective}, seeded.
     *
     * @throws IllegalArgumentException when an argument is null or the strategy does not fit the space
     */
    public static Study create(SearchSpace space, Strategy strategy, Objective objective, long seed) {
        if (space == null || strategy == null || objective == null) {
            throw new IllegalArgumentException("study space=" + space + " strategy=" + strategy + " objective="
                + objective + ": none may be null");
        }
        return new Study(space, strategy, objective, seed);
    }

    /** The next work, or empty: the study is over ({@link #finished()}), or waits for results being trained. */
    public synchronized Optional<Work> ask() {
        if (done) {
            return Optional.empty();
        }
        Decision decision = state.next();
        if (decision instanceof Decision.Start start) {
            configs.put(start.trialId(), start.config());
            epochsDone.put(start.trialId(), 0);
            targets.put(start.trialId(), start.targetEpoch());
            lastDecision.put(start.trialId(), EpochDecision.CONTINUE);
            return Optional.of(new Work(start.trialId(), start.config(), 1, start.targetEpoch()));
        }
        if (decision instanceof Decision.Resume resume) {
            int from = epochsDone.get(resume.trialId()) + 1;
            targets.put(resume.trialId(), resume.targetEpoch());
            lastDecision.put(resume.trialId(), EpochDecision.CONTINUE);
            return Optional.of(new Work(resume.trialId(), configs.get(resume.trialId()), from, resume.targetEpoch()));
        }
        if (decision instanceof Decision.Exploit exploit) {
            int from = epochsDone.get(exploit.trialId()) + 1;
            configs.put(exploit.trialId(), exploit.config());
            targets.put(exploit.trialId(), exploit.targetEpoch());
            lastDecision.put(exploit.trialId(), EpochDecision.CONTINUE);
            return Optional.of(new Work(exploit.trialId(), exploit.config(), from, exploit.targetEpoch(),
                exploit.sourceTrialId()));
        }
        // done, or waiting with nothing training: no result will come to change the strategy's mind
        if (lastDecision.values().stream().noneMatch(d -> d == EpochDecision.CONTINUE)) {
            done = true;
        }
        return Optional.empty();
    }

    /**
     * Reports trial {@code trialId}'s metrics after {@code epoch} (its next epoch).
     *
     * @return whether it trains on ({@link EpochDecision#CONTINUE}), pauses (the strategy may
     *         {@link #ask()} for it again) or stops
     * @throws IllegalArgumentException for an unknown trial, an epoch out of order, or metrics
     *                                  without the objective's metric
     */
    public synchronized EpochDecision tell(int trialId, int epoch, Metrics metrics) {
        Integer done = epochsDone.get(trialId);
        if (done == null) {
            throw new IllegalArgumentException("study: trial=" + trialId + " was never asked for");
        }
        if (lastDecision.get(trialId) != EpochDecision.CONTINUE || epoch != done + 1 || epoch > targets.get(trialId)) {
            throw new IllegalArgumentException("study: trial=" + trialId + " epoch=" + epoch + " expected epoch "
                + (done + 1) + " of at most " + targets.get(trialId) + " while it trains (it is "
                + lastDecision.get(trialId) + ")");
        }
        Objects.requireNonNull(metrics, "metrics");
        if (!metrics.has(objective.metric())) {
            throw new IllegalArgumentException("study: metrics " + metrics + " lack the objective's metric="
                + objective.metric());
        }
        double score = objective.score(metrics);
        epochsDone.put(trialId, epoch);
        if (!Double.isFinite(score)) {
            state.trialFailed(trialId, epoch, "the objective's " + objective.metric() + " is " + score);
            lastDecision.put(trialId, EpochDecision.STOP);
            return EpochDecision.STOP;
        }
        bestScore.merge(trialId, score, Math::max);
        EpochDecision decision = state.epochEnded(trialId, epoch, score);
        lastDecision.put(trialId, decision);
        return decision;
    }

    /** Trial {@code trialId} failed in {@code epoch}: it is over, and no strategy learns from it. */
    public synchronized void fail(int trialId, int epoch, String reason) {
        if (!epochsDone.containsKey(trialId)) {
            throw new IllegalArgumentException("study: trial=" + trialId + " was never asked for");
        }
        state.trialFailed(trialId, epoch, reason);
        lastDecision.put(trialId, EpochDecision.STOP);
    }

    /** Whether trial {@code trialId} should stop training now (it was paused or stopped). */
    public synchronized boolean shouldStop(int trialId) {
        EpochDecision decision = lastDecision.get(trialId);
        if (decision == null) {
            throw new IllegalArgumentException("study: trial=" + trialId + " was never asked for");
        }
        return decision != EpochDecision.CONTINUE;
    }

    /**
     * Whether the study is over: an {@link #ask()} found that the strategy starts and resumes
     * nothing more while no trial trains.
     */
    public synchronized boolean finished() {
        return done;
    }

    /** The trial with the best score so far and its config, or empty before any tell. */
    public synchronized Optional<Map.Entry<Integer, Config>> best() {
        return bestScore.entrySet().stream().max(Map.Entry.comparingByValue())
            .map(e -> Map.entry(e.getKey(), configs.get(e.getKey())));
    }

    /** The best value of the objective's metric so far (NaN before any tell). */
    public synchronized double bestValue() {
        return bestScore.values().stream().mapToDouble(Double::doubleValue).max().stream()
            .map(objective::metricOf).findFirst().orElse(Double.NaN);
    }

    @Override
    public String toString() {
        return "study " + strategy.describe() + " " + objective + " over " + space.params().size() + " parameter(s)";
    }
}
