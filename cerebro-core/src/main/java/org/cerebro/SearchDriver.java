package org.cerebro;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cerebro.data.Dataset;
import org.cerebro.data.Partitions;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.EpochTask;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.Executor;
import org.cerebro.experiment.Experiment;
import org.cerebro.experiment.SearchFingerprint;
import org.cerebro.plan.MachineFacts;
import org.cerebro.plan.PhysicalPlan;
import org.cerebro.plan.Planner;
import org.cerebro.plan.Planners;
import org.cerebro.plan.PlanningRequest;
import org.cerebro.space.Config;
import org.cerebro.space.Seeds;
import org.cerebro.strategy.Decision;
import org.cerebro.strategy.EpochDecision;
import org.cerebro.strategy.StrategyState;

/**
 * Runs a logical search: asks the strategy for decisions while there is room for active trials,
 * hands epochs to the executor, and feeds every outcome back to the strategy. The strategy never
 * sees the executor and the executor never sees the strategy; this loop is the only link.
 *
 * <p>Single-threaded: it runs in the caller's thread.
 */
final class SearchDriver {
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
    private final Map<Integer, Trial> trials = new LinkedHashMap<>();
    private final java.util.Set<Integer> running = new java.util.HashSet<>();
    private final java.util.Set<Integer> pausedByCancel = new java.util.HashSet<>();
    private final List<PlannedStage> stages = new ArrayList<>();
    private PlanningRequest request;
    private boolean narrowed;
    private volatile boolean cancelled;
    private double bestScore = Double.NEGATIVE_INFINITY;
    private long unitsRecovered;

    private static final class Trial {
        final int id;
        final Config config;
        final long seed;
        final List<EpochRecord> epochs = new ArrayList<>();
        String failure;

        Trial(int id, Config config, long seed) {
            this.id = id;
            this.config = config;
            this.seed = seed;
        }
    }

    SearchDriver(LogicalSearch search) {
        this.search = search;
    }

    /** Stops the search at the next unit boundary; safe from any thread. */
    void cancel() {
        cancelled = true;
        search.executor().cancel();
    }

    SearchResult run() {
        long startNanos = System.nanoTime();
        StrategyState strategy = search.strategy().begin(search.space(), search.seed());
        Executor executor = search.executor();
        int defaultTarget = search.strategy().targetConcurrency(executor.workers());
        try (executor;
             Experiment experiment = openExperiment(defaultTarget);
             Partitions parts = search.train().partition(search.partitions(), Seeds.mix(search.seed(), PARTITION_STREAM))) {
            // a resumed search keeps the concurrency it was created with: its decisions replay exactly
            int target = experiment == null ? defaultTarget : experiment.targetConcurrency();
            PhysicalPlan plan = plan(parts, executor);
            stages.add(new PlannedStage(plan, 0, "search start"));
            long planned = request == null ? 0
                : request.epochsPerTrial().stream().mapToLong(Integer::longValue).sum();
            search.listeners().forEach(l -> l.searchStarted(search.summary(), planned));
            Execution execution = new Execution(executor, experiment);
            if (experiment != null && experiment.resumed()) {
                unitsRecovered = experiment.unitsRecovered();
                search.listeners().forEach(l -> l.searchResumed(execution.replaying(), unitsRecovered));
            }
            executor.open(new ExecutionContext(search.trainable(), search.data(), parts.all(), search.validation(),
                search.seed(), plan.executableOperator(), execution.journal(search.listeners(), parts.count())));
            int active = 0;
            boolean done = false;
            boolean starved = false;
            while (true) {
                while (!done && !cancelled && active < target) {
                    Decision decision = strategy.next();
                    if (decision instanceof Decision.Start start) {
                        Trial trial = new Trial(start.trialId(), start.config(),
                            Seeds.mix(Seeds.mix(search.seed(), TRIAL_SEED_STREAM), start.trialId()));
                        trials.put(trial.id, trial);
                        execution.trialStarted(trial.id, trial.config, trial.seed);
                        search.listeners().forEach(l -> l.trialStarted(trial.id, trial.config));
                        execution.submit(new EpochTask(trial.id, trial.config, trial.seed, 1));
                        running.add(trial.id);
                        active++;
                        starved = false;
                    } else if (decision instanceof Decision.Resume resume) {
                        Trial trial = trials.get(resume.trialId());
                        execution.submit(new EpochTask(trial.id, trial.config, trial.seed, trial.epochs.size() + 1));
                        running.add(trial.id);
                        active++;
                        starved = false;
                    } else if (decision instanceof Decision.Done) {
                        done = true;
                        starved = true;
                    } else {
                        starved = true;
                        break; // Wait: nothing to start until an outcome arrives
                    }
                }
                if (active == 0) {
                    if (!done && !cancelled) {
                        throw new IllegalStateException("strategy " + search.strategy().describe()
                            + " waits with no trial running: it can never make progress");
                    }
                    break;
                }
                EpochOutcome outcome = execution.take();
                if (outcome == null) {
                    break; // cancelled: the executor has drained its units in flight
                }
                Trial trial = trials.get(outcome.trialId());
                if (outcome.failed()) {
                    trial.failure = outcome.failure();
                    strategy.trialFailed(trial.id, outcome.epoch(), outcome.failure());
                    search.listeners().forEach(l -> l.trialFailed(trial.id, outcome.epoch(), outcome.failure()));
                    execution.trialEnded(trial.id, TrialStatus.FAILED);
                    execution.release(trial.id);
                    running.remove(trial.id);
                    active--;
                    replanIfNarrowed(active, executor.workers(), starved, (System.nanoTime() - startNanos) / 1e9);
                    continue;
                }
                double score = search.objective().score(outcome.metrics());
                trial.epochs.add(new EpochRecord(outcome.epoch(), score, outcome.trainLoss(), outcome.metrics()));
                if (score > bestScore) { // announced first, so the epoch's listeners see the new best
                    bestScore = score;
                    search.listeners().forEach(l -> l.bestSoFar(trial.id, outcome.epoch(), score));
                }
                search.listeners().forEach(l -> l.epochEnded(trial.id, outcome.epoch(), outcome.metrics(), score));
                EpochDecision next = strategy.epochEnded(trial.id, outcome.epoch(), score);
                if (cancelled && next == EpochDecision.CONTINUE) {
                    next = EpochDecision.PAUSE; // nothing new starts once cancelled
                }
                switch (next) {
                    case CONTINUE -> execution.submit(new EpochTask(trial.id, trial.config, trial.seed, outcome.epoch() + 1));
                    case PAUSE -> {
                        if (cancelled) {
                            pausedByCancel.add(trial.id);
                        }
                        execution.park(trial.id);
                        running.remove(trial.id);
                        active--;
                    }
                    case STOP -> {
                        search.listeners().forEach(l -> l.trialStopped(trial.id, trial.epochs.size()));
                        execution.trialEnded(trial.id, trial.epochs.size() >= search.strategy().maxEpochs()
                            ? TrialStatus.COMPLETED : TrialStatus.STOPPED);
                        execution.release(trial.id);
                        running.remove(trial.id);
                        active--;
                    }
                }
                replanIfNarrowed(active, executor.workers(), starved, (System.nanoTime() - startNanos) / 1e9);
            }
            SearchResult result = new SearchResult(search.summary(), spaceText(), search.objective(), results(), strategy.rungs(),
                executor.name(), search.partitions(), executor.unitsRun(), unitsRecovered, executor.unitRecords(),
                Duration.ofNanos(System.nanoTime() - startNanos), stages);
            search.listeners().forEach(l -> l.searchFinished(result));
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("search interrupted", e);
        }
    }

    private String spaceText() {
        StringBuilder text = new StringBuilder();
        search.space().params().forEach(p -> text.append(p).append('\n'));
        return text.toString();
    }

    /** The search's experiment directory, opened and checked against this search; null without one. */
    private Experiment openExperiment(int targetConcurrency) {
        if (search.experimentDir() == null) {
            return null;
        }
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("space", search.space().toString());
        lines.put("strategy", search.strategy().describe());
        lines.put("objective", search.objective().toString());
        lines.put("seed", Long.toString(search.seed()));
        lines.put("trainable", search.trainable().name());
        lines.put("partitions", Integer.toString(search.partitions()));
        lines.put("train", search.train().contentFingerprint());
        lines.put("validation", search.validation().contentFingerprint());
        return Experiment.open(search.experimentDir(), new SearchFingerprint(lines), targetConcurrency,
            search.train().size());
    }

    /** Lowers the search's demand to a physical plan with the planner on the class path. */
    private PhysicalPlan plan(Partitions parts, Executor executor) {
        int workers = executor.workers();
        // profile under the thread split the workers will train with
        search.trainable().configureWorkers(workers);
        PlanningRequest request;
        try (Dataset sample = parts.get(0).head(PROFILE_SAMPLE)) {
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
                search.profileCache());
            this.request = request;
            return lower(request, null);
        }
    }

    /** @param running the operator the executor already runs, or null at the search's start */
    private PhysicalPlan lower(PlanningRequest request, org.cerebro.plan.Operator running) {
        PhysicalPlan plan = planOrFallback(request);
        if (running == null && search.operator() != null) {
            return plan.chosen() == search.operator() ? plan
                : plan.executedAs(search.operator(), "forced by SearchBuilder.operator(" + search.operator() + ")");
        }
        if (running != null && plan.chosen() != running) {
            return plan.executedAs(running, "an executor keeps the operator it started with; switching mid-search"
                + " is not supported yet");
        }
        java.util.Set<org.cerebro.plan.Operator> runnable = search.executor().operators();
        if (!runnable.contains(plan.chosen())) {
            return plan.executedAs(org.cerebro.plan.Operator.MOP, "executor " + search.executor().name() + " runs "
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
    private void replanIfNarrowed(int active, int workers, boolean starved, double atSeconds) {
        if (narrowed || !starved || active == 0 || 2 * active >= workers || request == null) {
            return;
        }
        narrowed = true;
        List<Integer> remaining = new ArrayList<>();
        int maxEpochs = search.strategy().maxEpochs();
        for (Trial trial : trials.values()) {
            if (running.contains(trial.id)) {
                remaining.add(Math.max(1, maxEpochs - trial.epochs.size()));
            }
        }
        stages.add(new PlannedStage(lower(request.withDemand(remaining), stages.get(0).plan().executableOperator()),
            atSeconds,
            "demand narrowed to " + remaining.size() + " trial(s) for " + workers + " worker(s)"));
    }

    private List<TrialResult> results() {
        List<TrialResult> results = new ArrayList<>();
        int maxEpochs = search.strategy().maxEpochs();
        String java = System.getProperty("java.version");
        for (Trial t : trials.values()) {
            TrialStatus status = t.failure != null ? TrialStatus.FAILED
                : t.epochs.size() >= maxEpochs ? TrialStatus.COMPLETED
                : cancelled && (running.contains(t.id) || pausedByCancel.contains(t.id)) ? TrialStatus.CANCELLED
                : TrialStatus.STOPPED;
            results.add(new TrialResult(t.id, t.config, status, t.epochs, t.failure,
                new Provenance(search.seed(), t.seed, t.config.id(), search.trainable().name(), Cerebro.version(), java)));
        }
        return results;
    }
}
