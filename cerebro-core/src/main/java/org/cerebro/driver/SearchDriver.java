package org.cerebro.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cerebro.EpochRecord;
import org.cerebro.LogicalSearch;
import org.cerebro.PlannedStage;
import org.cerebro.Provenance;
import org.cerebro.RunSettings;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.TrialStatus;
import org.cerebro.Cerebro;
import org.cerebro.data.Dataset;
import org.cerebro.data.Partitions;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.Executor;
import org.cerebro.exec.UnitRecord;
import org.cerebro.experiment.Experiment;
import org.cerebro.experiment.SearchFingerprint;
import org.cerebro.plan.MachineFacts;
import org.cerebro.plan.Operator;
import org.cerebro.report.Format;
import org.cerebro.report.HtmlReport;
import org.cerebro.plan.PhysicalPlan;
import org.cerebro.plan.Planner;
import org.cerebro.plan.Planners;
import org.cerebro.plan.PlanningRequest;
import org.cerebro.plan.ThreadChoice;
import org.cerebro.runtime.Kernel;
import org.cerebro.runtime.TrialTable.Phase;
import org.cerebro.runtime.TrialTable.Trial;
import org.cerebro.space.Config;
import org.cerebro.space.Seeds;
import org.cerebro.strategy.Decision;
import org.cerebro.strategy.EpochDecision;
import org.cerebro.strategy.StrategyState;
import org.cerebro.train.TrainableSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a search: lowers it to a physical plan, opens the runtime {@link Kernel} on the executor,
 * asks the strategy for decisions while there is room for active trials, grants epochs, and feeds
 * every outcome back to the strategy. The strategy never sees the kernel and the kernel never sees
 * the strategy; this loop is the only link. Where each trial stands is the kernel's trial table's
 * to say: the driver keeps no copy.
 *
 * <p>Single-threaded: it runs in the caller's thread; {@link #cancel()} may come from any thread.
 */
public final class SearchDriver {
    private static final Logger LOG = LoggerFactory.getLogger(SearchDriver.class);
    /** The stream of the partitioning shuffle, apart from configs and trial seeds. */
    private static final long PARTITION_STREAM = 0x9A27L;
    private static final long TRIAL_SEED_STREAM = 0x7121L;
    /** Records the planner may profile the model on. */
    private static final int PROFILE_SAMPLE = 2048;
    /** Configs the planner may profile: costs differ across a space, and one config misleads. */
    private static final int PROFILED_CONFIGS = 3;
    private static final int DEFAULT_BATCH = 64;
    /** Trials listed in a plan's demand; a huge grid is summarised by its first ones. */
    private static final int MAX_PLANNED_TRIALS = 100_000;

    private final LogicalSearch search;
    private final RunSettings settings;
    private final Listeners listeners;
    private final ModelKeeper keeper;
    private final List<String> warnings = new ArrayList<>();
    private int damageReported;
    private final List<PlannedStage> stages = new ArrayList<>();
    private PlanningRequest request;
    private boolean narrowed;
    /** Nanoseconds from the start to the end of training (the last outcome acted on); 0 while it runs. */
    private long trainedNanos;
    private volatile boolean cancelled;
    private volatile Kernel kernel;
    private double bestScore = Double.NEGATIVE_INFINITY;
    private Experiment experiment;
    private StrategyState strategyState;
    private long lastReportNanos = Long.MIN_VALUE / 2;
    private int reportFailures;

    /** A driver for one run of {@code search} with {@code settings}. */
    public SearchDriver(LogicalSearch search, RunSettings settings) {
        this.search = search;
        this.settings = settings;
        this.listeners = new Listeners(settings.listeners(), warnings);
        this.keeper = new ModelKeeper(settings.keepModels(), search.trainable(), search.data());
    }

    /** Stops the search at the next unit boundary; safe from any thread. */
    public void cancel() {
        cancelled = true;
        Kernel running = kernel;
        if (running != null) {
            running.cancel();
        }
    }

    /** Runs the search to its end (or its cancellation) and returns the result. */
    public SearchResult run() {
        long startNanos = System.nanoTime();
        StrategyState strategy = search.strategy().begin(search.space(), search.seed());
        Executor executor = settings.executor();
        int defaultTarget = search.strategy().targetConcurrency(executor.workers());
        try (executor;
             Experiment experiment = openExperiment(defaultTarget);
             Partitions parts = search.train().partition(settings.partitions(),
                 Seeds.mix(search.seed(), PARTITION_STREAM))) {
            // a resumed search keeps the concurrency it was created with: its decisions replay exactly
            int target = experiment == null ? defaultTarget : experiment.targetConcurrency();
            PhysicalPlan plan = plan(parts, executor);
            stages.add(new PlannedStage(plan, (System.nanoTime() - startNanos) / 1e9,
                "search start, after partitioning the data and profiling"));
            long planned = request == null ? 0
                : request.epochsPerTrial().stream().mapToLong(Integer::longValue).sum();
            listeners.searchStarted(search.summary(), planned);
            Kernel.Observer observer = new Kernel.Observer() {
                @Override
                public void unitDone(UnitRecord unit) {
                    listeners.unitDone(unit, parts.count());
                }

                @Override
                public void notice(String message) {
                    warn(message);
                }
            };
            try (Kernel opened = Kernel.open(new Kernel.Settings(executor, search.trainable(), search.data(), parts.all(),
                search.validation(), search.seed(), plan.executableOperator(), experiment, observer))) {
                kernel = opened;
                if (cancelled) {
                    opened.cancel();
                }
                reportDamage(experiment);
                if (experiment != null && experiment.resumed()) {
                    listeners.searchResumed(opened.replaying(), experiment.unitsRecovered());
                }
                this.experiment = experiment;
                this.strategyState = strategy;
                drive(opened, strategy, target, executor.workers(), startNanos);
                List<EpochOutcome> notReplayed = opened.notReplayed();
                if (!cancelled && !notReplayed.isEmpty()) {
                    EpochOutcome first = notReplayed.get(0);
                    warn("experiment dir " + settings.experimentDir() + ": its log has " + notReplayed.size()
                        + " epoch(s) this search never ran (first trial=" + first.trialId() + " epoch="
                        + first.epoch() + "): the search no longer replays the recorded one (a trainable's epochCost"
                        + " or a strategy's code changed?); the results are those of the search as it ran now");
                }
                trainedNanos = System.nanoTime() - startNanos;
                reportDamage(experiment);
                SearchResult result = snapshot(opened, startNanos, tested(results(opened)));
                if (settings.report() != null) {
                    writeReport(result, false);
                }
                listeners.searchFinished(result);
                return result;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("search interrupted", e);
        }
    }

    /**
     * Something the user should know that did not stop the search: logged, told to the listeners
     * ({@link org.cerebro.SearchListener#warning}) and kept for the result.
     */
    private void warn(String message) {
        LOG.warn(message);
        warnings.add(message);
        listeners.warning(message);
    }

    /** Reports damage the experiment directory's reader has found since the last call, once each. */
    private void reportDamage(Experiment experiment) {
        if (experiment == null) {
            return;
        }
        List<String> found = experiment.warnings();
        for (int i = damageReported; i < found.size(); i++) {
            warn("experiment dir " + settings.experimentDir() + ": " + found.get(i));
        }
        damageReported = found.size();
    }

    /** The result as it stands: at the search's end, or a snapshot of it running for a live report. */
    private SearchResult snapshot(Kernel kernel, long startNanos, List<TrialResult> results) {
        return new SearchResult(new SearchResult.Parts(search.summary(), search.space(), search.objective(), results,
            strategyState.rungs(), settings.executor().name(), settings.partitions(), kernel.unitsRun(),
            experiment == null ? 0 : experiment.unitsRecovered(), kernel.units(),
            Duration.ofNanos(System.nanoTime() - startNanos),
            Duration.ofNanos(trainedNanos > 0 ? trainedNanos : System.nanoTime() - startNanos), stages,
            keeper.models(), settings.experimentDir(), search.trainable(), warnings));
    }

    /** Rewrites the live report when the last write is old enough. */
    private void maybeWriteLiveReport(Kernel kernel, long startNanos) {
        long now = System.nanoTime();
        if (settings.report() == null || now - lastReportNanos < HtmlReport.REFRESH_SECONDS * 1_000_000_000L) {
            return;
        }
        lastReportNanos = now;
        writeReport(snapshot(kernel, startNanos, results(kernel)), true);
    }

    private void writeReport(SearchResult result, boolean live) {
        try {
            if (live) {
                result.writeLiveReport(settings.report());
            } else {
                result.writeReport(settings.report());
            }
        } catch (RuntimeException e) {
            if (reportFailures++ == 0) {
                warn("cannot write the report " + settings.report() + ": " + e.getMessage());
            }
        }
    }

    /** The decision loop: start and grant while there is room, then act on the next outcome. */
    private void drive(Kernel kernel, StrategyState strategy, int target, int workers, long startNanos)
        throws InterruptedException {
        OutcomeOrder released = new OutcomeOrder(settings.arrivalOrder(),
            trialId -> search.trainable().epochCost(kernel.trials().get(trialId).config(), search.data()));
        boolean done = false;
        boolean starved = false;
        while (true) {
            while (!done && !cancelled && released.inHand() < target) {
                Decision decision = strategy.next();
                if (decision instanceof Decision.Start start) {
                    Trial trial = kernel.start(start.trialId(), start.config(),
                        Seeds.mix(Seeds.mix(search.seed(), TRIAL_SEED_STREAM), start.trialId()));
                    listeners.trialStarted(trial.id(), trial.config());
                    kernel.runEpoch(trial.id(), released.granted(trial.id()));
                    starved = false;
                } else if (decision instanceof Decision.Resume resume) {
                    kernel.runEpoch(resume.trialId(), released.granted(resume.trialId()));
                    starved = false;
                } else if (decision instanceof Decision.Exploit exploit) {
                    kernel.exploit(exploit.trialId(), exploit.sourceTrialId(), exploit.config());
                    kernel.runEpoch(exploit.trialId(), released.granted(exploit.trialId()));
                    starved = false;
                } else if (decision instanceof Decision.Done) {
                    done = true;
                    starved = true;
                } else {
                    starved = true;
                    break; // Wait: nothing to start until an outcome arrives
                }
            }
            if (released.inHand() == 0) {
                break; // nothing runs and the strategy starts nothing: no event will ever come
            }
            EpochOutcome outcome = released.next(kernel);
            if (outcome == null) {
                break; // cancelled: the kernel has drained the units in flight
            }
            act(kernel, strategy, outcome, released);
            replanIfNarrowed(kernel, workers, starved, (System.nanoTime() - startNanos) / 1e9);
            maybeWriteLiveReport(kernel, startNanos);
        }
        // what is left: cut short by a cancel, or paused and never resumed (a model at an epoch's end)
        for (Trial trial : kernel.trials().all()) {
            if (trial.phase() == Phase.PAUSED) {
                offerModel(kernel, trial);
                if (!cancelled) {
                    end(kernel, trial.id(), Phase.STOPPED);
                }
            } else if (!trial.phase().terminal()) {
                end(kernel, trial.id(), Phase.CANCELLED);
            }
        }
    }

    /**
     * Why a trained epoch fails its trial after all, or null: its metrics lack the objective's
     * metric (the trainable did not report what it declared), or its loss passed the divergence limit.
     */
    private String brokenRule(EpochOutcome outcome) {
        if (!outcome.metrics().has(search.objective().metric())) {
            return "epoch " + outcome.epoch() + "'s metrics " + outcome.metrics() + " lack the objective's metric="
                + search.objective().metric() + " that trainable " + search.trainable().name() + " declares";
        }
        double limit = settings.divergenceLimit() * Math.log(search.data().numClasses());
        if (settings.divergenceLimit() > 0 && outcome.trainLoss() > limit) {
            return "diverged: training loss " + Format.number(outcome.trainLoss()) + " in epoch " + outcome.epoch()
                + " is above the limit " + Format.number(limit) + " (" + Format.number(settings.divergenceLimit())
                + " x ln(" + search.data().numClasses() + " classes), the loss of guessing)";
        }
        return null;
    }

    /** Offers an idle or paused trial's model (at the end of its last epoch) to the keeper. */
    private void offerModel(Kernel kernel, Trial trial) {
        List<EpochOutcome> history = trial.history();
        if (history.isEmpty() || history.get(history.size() - 1).failed() || !trial.visitedThisEpoch().isEmpty()) {
            return;
        }
        EpochOutcome last = history.get(history.size() - 1);
        keeper.offer(trial.id(), trial.config(), trial.epochsDone(), search.objective().score(last.metrics()),
            last.metrics(), () -> kernel.snapshot(trial.id()));
    }

    /** Ends a trial; a trial that fails in the end (its state could not be freed) loses its kept model. */
    private void end(Kernel kernel, int trialId, Phase phase) {
        kernel.end(trialId, phase);
        if (kernel.trials().get(trialId).phase() == Phase.FAILED) {
            keeper.drop(trialId);
        }
    }

    /** The results, the best trials evaluated once on the test set, if the search has one. */
    private List<TrialResult> tested(List<TrialResult> results) {
        if (search.test() == null) {
            return results;
        }
        Map<Integer, org.cerebro.train.TrainedModel> models = keeper.models();
        List<TrialResult> ranked = SearchResult.leaderboard(results);
        Map<Integer, TrialResult> byId = new LinkedHashMap<>();
        results.forEach(r -> byId.put(r.trialId(), r));
        for (TrialResult best : ranked.subList(0, Math.min(search.testTopK(), ranked.size()))) {
            org.cerebro.train.TrainedModel model = models.get(best.trialId());
            if (model == null) {
                warn("trial=" + best.trialId() + " was not evaluated on the test set: its model was not kept");
                continue;
            }
            try {
                byId.put(best.trialId(), best.withTest(model.evaluate(search.test())));
            } catch (RuntimeException e) {
                warn("trial=" + best.trialId() + " could not be evaluated on the test set: " + e);
            }
        }
        return new ArrayList<>(byId.values());
    }

    private void act(Kernel kernel, StrategyState strategy, EpochOutcome outcome, OutcomeOrder released) {
        int id = outcome.trialId();
        if (outcome.failed()) {
            strategy.trialFailed(id, outcome.epoch(), outcome.failure());
            listeners.trialFailed(id, outcome.epoch(), outcome.failure());
            kernel.end(id, Phase.FAILED);
            return;
        }
        String rule = brokenRule(outcome);
        if (rule != null) {
            kernel.fail(id, rule);
            strategy.trialFailed(id, outcome.epoch(), rule);
            listeners.trialFailed(id, outcome.epoch(), rule);
            keeper.drop(id);
            return;
        }
        double score = search.objective().score(outcome.metrics());
        if (score > bestScore) { // announced first, so the epoch's listeners see the new best
            bestScore = score;
            listeners.bestSoFar(id, outcome.epoch(), score);
        }
        listeners.epochEnded(id, outcome.epoch(), outcome.metrics(), score);
        EpochDecision next = strategy.epochEnded(id, outcome.epoch(), score);
        if (cancelled && next == EpochDecision.CONTINUE) {
            offerModel(kernel, kernel.trials().get(id));
            end(kernel, id, Phase.CANCELLED); // nothing new starts once cancelled
            return;
        }
        switch (next) {
            case CONTINUE -> {
                kernel.runEpoch(id, released.granted(id));
            }
            case PAUSE -> kernel.pause(id);
            case STOP -> {
                listeners.trialStopped(id, outcome.epoch());
                offerModel(kernel, kernel.trials().get(id));
                end(kernel, id, outcome.epoch() >= search.strategy().maxEpochs() ? Phase.COMPLETED : Phase.STOPPED);
            }
        }
    }

    /** The search's experiment directory, opened and checked against this search; null without one. */
    private Experiment openExperiment(int targetConcurrency) {
        if (settings.experimentDir() == null) {
            return null;
        }
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("space", search.space().toString());
        lines.put("strategy", search.strategy().describe());
        lines.put("objective", search.objective().toString());
        lines.put("seed", Long.toString(search.seed()));
        lines.put("trainable", search.trainable().name());
        lines.put("partitions", Integer.toString(settings.partitions()));
        lines.put("train", search.train().contentFingerprint());
        lines.put("validation", search.validation().contentFingerprint());
        TrainableSpec spec;
        try {
            spec = search.trainable().spec();
        } catch (IllegalArgumentException e) {
            spec = null; // a lambda: models are read back with an explicit trainable
        }
        return Experiment.open(settings.experimentDir(), new Experiment.Creation(new SearchFingerprint(lines),
            targetConcurrency, search.train().size(), search.data(), spec));
    }

    /** Lowers the search's demand to a physical plan with the planner on the class path. */
    private PhysicalPlan plan(Partitions parts, Executor executor) {
        int workers = executor.workers();
        ThreadChoice pinned = null;
        if (settings.intraOpThreads() > 0) {
            int cores = Runtime.getRuntime().availableProcessors();
            int split = Math.max(1, cores / settings.intraOpThreads());
            pinned = new ThreadChoice(split, Math.max(1, cores / split), "fixed by SearchBuilder.intraOpThreads("
                + settings.intraOpThreads() + "): not measured");
        }
        // profile and train under the thread split this process's workers use
        int split = pinned != null ? pinned.configureFor() : workers;
        try {
            search.trainable().configureWorkers(split);
        } catch (RuntimeException e) {
            warn("trainable " + search.trainable().name() + ".configureWorkers(" + split + ") threw " + e
                + "; the search goes on with its defaults");
        }
        try (Dataset sample = parts.get(0).head(Math.min(PROFILE_SAMPLE, parts.get(0).size()))) {
            List<Config> sampleConfigs = new ArrayList<>();
            for (int i = 0; i < PROFILED_CONFIGS; i++) {
                Config config = search.space().sample(search.seed(), i);
                if (!sampleConfigs.contains(config)) {
                    sampleConfigs.add(config);
                }
            }
            int batchSize = sampleConfigs.get(0).values().get("batch_size") instanceof Integer b ? b : DEFAULT_BATCH;
            request = new PlanningRequest(search.trainable(), sampleConfigs, search.data(), sample,
                search.strategy().plannedEpochs(search.space(), workers, MAX_PLANNED_TRIALS), search.train().size(),
                search.validation().size(), search.train().sizeInBytes(), batchSize, workers, parts.count(),
                executor.replicas(), executor.deviceKind(),
                MachineFacts.physicalMemory() / workers, MachineFacts.memoryBandwidth(), "measured memory copy",
                settings.profileCache(), executor.operators(), null);
            if (pinned != null) {
                request = request.withThreads(pinned);
            }
            PhysicalPlan plan = lower(request, null);
            request = request.withThreads(plan.input().threads()); // a re-planning keeps the split the workers train with
            return plan;
        }
    }

    /** @param running the operator the executor already runs, or null at the search's start */
    private PhysicalPlan lower(PlanningRequest request, Operator running) {
        PhysicalPlan plan = planOrFallback(request);
        if (running == null && settings.operator() != null) {
            return plan.chosen() == settings.operator() ? plan
                : plan.executedAs(settings.operator(), "forced by SearchBuilder.operator(" + settings.operator() + ")");
        }
        if (running != null && plan.chosen() != running) {
            return plan.executedAs(running, "an executor keeps the operator it started with; switching mid-search"
                + " is not supported yet");
        }
        java.util.Set<Operator> runnable = settings.executor().operators();
        if (!runnable.contains(plan.chosen())) {
            return plan.executedAs(Operator.MOP, "executor " + settings.executor().name() + " runs "
                + runnable + " only so far");
        }
        return plan;
    }

    private PhysicalPlan planOrFallback(PlanningRequest request) {
        Planner planner = Planners.find();
        try {
            return planner.plan(request);
        } catch (RuntimeException e) {
            // planning informs; it must never stop a search the user asked for
            PhysicalPlan fallback = Planners.fallback().plan(request);
            return new PhysicalPlan(fallback.planner(), fallback.input(), fallback.chosen(), fallback.candidates(),
                "planner " + planner.name() + " failed (" + e + "): running MOP unestimated", fallback.executable());
        }
    }

    /**
     * Lowers the rest of the search again once fewer trials than half the workers remain active and
     * the strategy has nothing new to start: the narrow tail may want another operator.
     */
    private void replanIfNarrowed(Kernel kernel, int workers, boolean starved, double atSeconds) {
        int active = kernel.outstanding();
        if (narrowed || !starved || active == 0 || 2 * active >= workers || request == null) {
            return;
        }
        narrowed = true;
        List<Integer> remaining = new ArrayList<>();
        int maxEpochs = search.strategy().maxEpochs();
        for (Trial trial : kernel.trials().all()) {
            if (trial.phase() == Phase.QUEUED || trial.phase() == Phase.TRAINING) {
                remaining.add(Math.max(1, maxEpochs - trial.epochsDone()));
            }
        }
        stages.add(new PlannedStage(lower(request.withDemand(remaining), stages.get(0).plan().executableOperator()),
            atSeconds,
            "demand narrowed to " + remaining.size() + " trial(s) for " + workers + " worker(s)"));
    }

    private List<TrialResult> results(Kernel kernel) {
        List<TrialResult> results = new ArrayList<>();
        String java = System.getProperty("java.version");
        for (Trial trial : kernel.trials().all()) {
            List<EpochRecord> epochs = new ArrayList<>();
            for (EpochOutcome outcome : trial.history()) {
                if (!outcome.failed() && outcome.metrics().has(search.objective().metric())) {
                    epochs.add(new EpochRecord(outcome.epoch(), search.objective().score(outcome.metrics()),
                        outcome.trainLoss(), outcome.metrics(), trial.configOf(outcome.epoch())));
                }
            }
            results.add(new TrialResult(trial.id(), trial.config(), status(trial.phase()), epochs, trial.failure(),
                new Provenance(search.seed(), trial.seed(), trial.config().id(), search.trainable().name(),
                    Cerebro.version(), java), null));
        }
        return results;
    }

    private static TrialStatus status(Phase phase) {
        return switch (phase) {
            case COMPLETED -> TrialStatus.COMPLETED;
            case FAILED -> TrialStatus.FAILED;
            case CANCELLED -> TrialStatus.CANCELLED;
            case STOPPED, PAUSED -> TrialStatus.STOPPED; // paused and never resumed: stopped by the strategy
            default -> TrialStatus.RUNNING; // a snapshot of a search that is running
        };
    }

    /**
     * The order the strategy sees epoch outcomes in. By default the order a virtual clock
     * predicts they finish: every epoch in hand progresses at the same rate (processor sharing,
     * as MOP and task parallelism share the workers among the trials in hand), an epoch granted
     * when the clock reads {@code W} is predicted to finish at {@code W + cost}, its trainable's
     * {@link org.cerebro.train.Trainable#epochCost}, and the clock moves to each released epoch's
     * finish (ties: the one granted first). An outcome that arrives before the one predicted next
     * waits for it, so the sequence of outcomes the strategy acts on, and with it every decision,
     * depends only on the seed, the configs and each trial's own results (timing-independent with
     * the fixed visit order), never on which worker happened to finish first. With equal costs
     * (the default) this is the order the epochs were granted in. With {@code arrivalOrder} as
     * they arrive. Epochs granted and not yet seen by the strategy count as in hand either way.
     */
    private static final class OutcomeOrder {
        private final boolean arrival;
        /** Epochs in hand by predicted finish, then grant sequence: {finish, sequence, trial}. */
        private final java.util.TreeSet<double[]> predicted = new java.util.TreeSet<>((a, b) -> a[0] != b[0]
            ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        private final Map<Integer, double[]> byTrial = new java.util.HashMap<>();
        private final Map<Integer, EpochOutcome> arrived = new java.util.HashMap<>();
        private final java.util.function.IntToDoubleFunction costs;
        private double clock;
        private long sequence;

        /** @param costs a trial's epoch cost (a non-positive or non-finite one counts as 1) */
        OutcomeOrder(boolean arrival, java.util.function.IntToDoubleFunction costs) {
            this.arrival = arrival;
            this.costs = costs;
        }

        /**
         * Trial {@code trialId} is granted an epoch; returns its priority for the workers: the
         * predicted finish (0 for all in arrival order: no preference).
         */
        double granted(int trialId) {
            double cost = costs.applyAsDouble(trialId);
            double[] entry = {clock + (cost > 0 && Double.isFinite(cost) ? cost : 1), sequence++, trialId};
            predicted.add(entry);
            byTrial.put(trialId, entry);
            return arrival ? 0 : entry[0];
        }

        int inHand() {
            return predicted.size();
        }

        /** The next outcome the strategy sees, or null once a cancelled kernel has drained. */
        EpochOutcome next(Kernel kernel) throws InterruptedException {
            if (arrival) {
                EpochOutcome outcome = kernel.next();
                if (outcome != null) {
                    predicted.remove(byTrial.remove(outcome.trialId()));
                }
                return outcome;
            }
            double[] head = predicted.first();
            int trialId = (int) head[2];
            while (!arrived.containsKey(trialId)) {
                EpochOutcome outcome = kernel.next();
                if (outcome == null) {
                    return null;
                }
                arrived.put(outcome.trialId(), outcome);
            }
            predicted.pollFirst();
            byTrial.remove(trialId);
            clock = head[0];
            return arrived.remove(trialId);
        }
    }
}
