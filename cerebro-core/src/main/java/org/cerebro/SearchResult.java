package org.cerebro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.cerebro.plan.PhysicalPlan;
import org.cerebro.report.HtmlReport;
import org.cerebro.report.Json;
import org.cerebro.strategy.RungReport;
import org.cerebro.train.TrainedModel;

/**
 * The outcome of a search: every trial with its config, per-epoch metrics, status and
 * provenance, the best trial, a leaderboard, and exports to CSV and JSON. Immutable.
 *
 * <p>A trial's score is the objective's score at its last epoch. The leaderboard ranks the
 * trials that completed at least one epoch and did not fail by that score (higher first), then by
 * epochs completed (more first), then by trial id.
 */
public final class SearchResult {
    private static final Comparator<TrialResult> RANKING = (a, b) -> rank(a.finalScore(), a.epochsCompleted(),
        a.trialId(), b.finalScore(), b.epochsCompleted(), b.trialId());

    private final String search;
    private final org.cerebro.space.SearchSpace space;
    private final Objective objective;
    private final List<TrialResult> trials;
    private final List<RungReport> rungs;
    private final String executor;
    private final int partitions;
    private final long unitsRun;
    private final long unitsRecovered;
    private final List<org.cerebro.exec.UnitRecord> units;
    private final Duration elapsed;
    private final Duration trained;
    private final List<PlannedStage> stages;
    private final java.util.Map<Integer, TrainedModel> models;
    private final Path experimentDir;
    private final org.cerebro.train.Trainable trainable;
    private final List<String> warnings;

    /**
     * What a finished search assembled (by the search driver; users get a result from
     * {@link Search#run()}).
     *
     * @param search         one line describing the search
     * @param space          the search space
     * @param objective      the objective
     * @param trials         every trial, by id
     * @param rungs          the strategy's rungs
     * @param executor       the executor's name
     * @param partitions     training partitions
     * @param unitsRun       units this run ran
     * @param unitsRecovered units earlier runs made durable
     * @param units          this run's units, in completion order
     * @param elapsed        the run's wall-clock time
     * @param trained        from the start to the end of training (before the test-set evaluation)
     * @param stages         the plans the search was lowered to
     * @param models         the trained models kept in memory, by trial id
     * @param experimentDir  the experiment directory other models can be read from, or null
     * @param trainable      what trained (to read models from the experiment directory)
     * @param warnings       what went wrong without stopping the search (damage found in the
     *                       experiment directory, a listener that threw, a test evaluation that failed)
     */
    public record Parts(String search, org.cerebro.space.SearchSpace space, Objective objective, List<TrialResult> trials, List<RungReport> rungs,
                        String executor, int partitions, long unitsRun, long unitsRecovered,
                        List<org.cerebro.exec.UnitRecord> units, Duration elapsed, Duration trained,
                        List<PlannedStage> stages,
                        java.util.Map<Integer, TrainedModel> models, Path experimentDir,
                        org.cerebro.train.Trainable trainable, List<String> warnings) {
    }

    /** The result of a search, from what the driver assembled. */
    public SearchResult(Parts parts) {
        this.search = parts.search();
        this.space = parts.space();
        this.objective = parts.objective();
        this.trials = List.copyOf(parts.trials());
        this.rungs = List.copyOf(parts.rungs());
        this.executor = parts.executor();
        this.partitions = parts.partitions();
        this.unitsRun = parts.unitsRun();
        this.unitsRecovered = parts.unitsRecovered();
        this.units = List.copyOf(parts.units());
        this.elapsed = parts.elapsed();
        this.trained = parts.trained();
        this.stages = List.copyOf(parts.stages());
        this.models = java.util.Map.copyOf(parts.models());
        this.experimentDir = parts.experimentDir();
        this.trainable = parts.trainable();
        this.warnings = List.copyOf(parts.warnings());
    }

    /**
     * The best trial's trained model (its state after its last epoch), if any trial completed an
     * epoch: kept in memory by the search ({@code SearchBuilder.keepModels}, 1 by default), or read
     * from the experiment directory.
     */
    public Optional<TrainedModel> bestModel() {
        return best().map(t -> model(t.trialId()));
    }

    /**
     * Trial {@code trialId}'s trained model after its last completed epoch: from memory when the
     * search kept it (the best {@code keepModels} trials), otherwise from the search's experiment
     * directory (the search must be over: the directory is locked while it runs).
     *
     * @throws IllegalArgumentException when the trial's model was not kept and there is no
     *                                  experiment directory to read it from, saying how to keep it
     */
    public TrainedModel model(int trialId) {
        TrainedModel kept = models.get(trialId);
        if (kept != null) {
            return kept;
        }
        if (experimentDir == null) {
            throw new IllegalArgumentException("trial=" + trialId + "'s model was not kept: the search kept the models of"
                + " trials " + new TreeSet<>(models.keySet()) + "; keep more with SearchBuilder.keepModels(n), or give"
                + " the search an experimentDir(...) to read any trial's model from");
        }
        try (org.cerebro.experiment.Experiment experiment = org.cerebro.experiment.Experiment.openToRead(experimentDir)) {
            return experiment.model(trialId, trainable);
        }
    }

    /** The trial ids whose models the search kept in memory. */
    public java.util.Set<Integer> keptModels() {
        return new TreeSet<>(models.keySet());
    }

    /**
     * What went wrong without stopping the search: damage found (and worked around) in the
     * experiment directory, a listener that threw, a test-set evaluation that failed. Also logged.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** The physical plan the search started with. */
    public PhysicalPlan plan() {
        return stages.get(0).plan();
    }

    /** Every plan the search was lowered to, in order: at the start, and when its demand narrowed. */
    public List<PlannedStage> stages() {
        return stages;
    }

    /**
     * EXPLAIN for this search, stage by stage: the candidate plans with their estimates, the one
     * chosen and why, the inputs used, and the measured time from that stage's plan to the end of
     * training next to the estimate for the same work (the time spent partitioning and profiling
     * before the first plan, and the test-set evaluation after training, are outside both); then
     * what ran: hopping units, data-parallel epochs, and each worker's units and busy time.
     */
    public String explain() {
        StringBuilder out = new StringBuilder();
        double total = trained.toNanos() / 1e9;
        for (int i = 0; i < stages.size(); i++) {
            PlannedStage stage = stages.get(i);
            if (stages.size() > 1) {
                out.append(String.format(java.util.Locale.ROOT, "stage %d, planned at +%.2f s (%s):%n", i + 1,
                    stage.atSeconds(), stage.trigger()));
            }
            out.append(stage.plan().explain(total - stage.atSeconds(), stage.atSeconds()));
        }
        out.append(ranLine());
        return out.toString();
    }

    /**
     * What ran, from the units: how many hopping units and how much worker time they took, how
     * many data-parallel epochs and how long they took (all their workers at once).
     */
    private String ranLine() {
        long hops = 0;
        double hopSeconds = 0;
        java.util.Set<Long> dataParallel = new java.util.HashSet<>();
        double dataParallelSeconds = 0;
        for (org.cerebro.exec.UnitRecord unit : units) {
            double seconds = (unit.endNanos() - unit.startNanos()) / 1e9;
            if (unit.dataParallel()) {
                if (dataParallel.add(((long) unit.trialId() << 32) | unit.epoch())) {
                    dataParallelSeconds += seconds;
                }
            } else {
                hops++;
                hopSeconds += seconds;
            }
        }
        return String.format(java.util.Locale.ROOT, "ran: %d unit(s) of one trial on one worker (%s of worker time),"
            + " %d data-parallel epoch(s) on every worker (%s), in %s%n", hops,
            org.cerebro.report.Format.seconds(hopSeconds), dataParallel.size(),
            org.cerebro.report.Format.seconds(dataParallelSeconds), org.cerebro.report.Format.seconds(
                elapsed.toNanos() / 1e9)) + workersLine();
    }

    /**
     * Each worker's units and busy time (a slow or busy worker runs fewer), up to 8 workers; the
     * least and most of each beyond that. Empty with fewer than 2 workers.
     */
    private String workersLine() {
        java.util.TreeMap<Integer, long[]> byWorker = new java.util.TreeMap<>(); // {units, busy nanos}
        for (org.cerebro.exec.UnitRecord unit : units) {
            long[] sums = byWorker.computeIfAbsent(unit.worker(), w -> new long[2]);
            sums[0]++;
            sums[1] += unit.endNanos() - unit.startNanos();
        }
        if (byWorker.size() < 2) {
            return "";
        }
        StringBuilder line = new StringBuilder("per worker (units, busy):");
        if (byWorker.size() <= 8) {
            byWorker.forEach((worker, sums) -> line.append(' ').append(worker).append(": ").append(sums[0]).append(", ")
                .append(org.cerebro.report.Format.seconds(sums[1] / 1e9)).append(';'));
            line.setLength(line.length() - 1);
        } else {
            java.util.LongSummaryStatistics count = byWorker.values().stream().mapToLong(sums -> sums[0])
                .summaryStatistics();
            java.util.LongSummaryStatistics busy = byWorker.values().stream().mapToLong(sums -> sums[1])
                .summaryStatistics();
            line.append(' ').append(byWorker.size()).append(" workers, ").append(count.getMin()).append('-')
                .append(count.getMax()).append(" units and ")
                .append(org.cerebro.report.Format.seconds(busy.getMin() / 1e9)).append('-')
                .append(org.cerebro.report.Format.seconds(busy.getMax() / 1e9)).append(" busy each");
        }
        return line.append(System.lineSeparator()).toString();
    }

    /** The search space, one hyperparameter per line ({@code name=distribution}). */
    public String space() {
        StringBuilder text = new StringBuilder();
        space.params().forEach(p -> text.append(p).append('\n'));
        return text.toString();
    }

    /** The search space. */
    public org.cerebro.space.SearchSpace searchSpace() {
        return space;
    }

    /**
     * Writes a self-contained HTML report to {@code file}: the leaderboard, learning curves per
     * trial (stopped trials dashed), the schedule as a Gantt chart of units per worker, the
     * search space and EXPLAIN with the measured time. Charts are inline SVG; the page loads
     * nothing from the network.
     */
    public void writeReport(Path file) {
        write(file, new HtmlReport(this).render());
    }

    /** As {@link #writeReport}, for a snapshot of a search still running: the page reloads itself. */
    public void writeLiveReport(Path file) {
        write(file, new HtmlReport(this, true).render());
    }

    /** A one-line description of the search that produced this result. */
    public String search() {
        return search;
    }

    /** The objective. */
    public Objective objective() {
        return objective;
    }

    /** Every trial, by id. */
    public List<TrialResult> trials() {
        return trials;
    }

    /** The best trial: the first of the leaderboard, if any trial completed an epoch. */
    public Optional<TrialResult> best() {
        List<TrialResult> board = leaderboard();
        return board.isEmpty() ? Optional.empty() : Optional.of(board.get(0));
    }

    /**
     * The leaderboard's order of two trials: negative when trial A ranks first. Higher final score
     * first, then more epochs completed, then the lower id.
     */
    public static int rank(double scoreA, int epochsA, int idA, double scoreB, int epochsB, int idB) {
        int byScore = Double.compare(scoreB, scoreA);
        if (byScore != 0) {
            return byScore;
        }
        return epochsA != epochsB ? Integer.compare(epochsB, epochsA) : Integer.compare(idA, idB);
    }

    /** The ranked trials (failed ones and those without an epoch left out). */
    public List<TrialResult> leaderboard() {
        return leaderboard(trials);
    }

    /** {@code trials} ranked as a leaderboard ranks them (failed ones and those without an epoch left out). */
    public static List<TrialResult> leaderboard(List<TrialResult> trials) {
        List<TrialResult> board = new ArrayList<>();
        for (TrialResult trial : trials) {
            if (trial.status() != TrialStatus.FAILED && trial.epochsCompleted() > 0) {
                board.add(trial);
            }
        }
        board.sort(RANKING);
        return board;
    }

    /** Trials that failed. */
    public List<TrialResult> failures() {
        return trials.stream().filter(t -> t.status() == TrialStatus.FAILED).toList();
    }

    /** The rungs of a successive-halving strategy (empty for grid and random). */
    public List<RungReport> rungs() {
        return rungs;
    }

    /** The executor's name. */
    public String executor() {
        return executor;
    }

    /** Number of training partitions. */
    public int partitions() {
        return partitions;
    }

    /** Units run by this run (one trial, one partition, one pass). */
    public long unitsRun() {
        return unitsRun;
    }

    /**
     * Every unit this run ran, with its trial, epoch, partition, worker, start and end
     * ({@link System#nanoTime()}), in completion order: the schedule, to draw or check. Empty for
     * executors that do not record units.
     */
    public List<org.cerebro.exec.UnitRecord> units() {
        return units;
    }

    /** Units earlier runs of this search made durable in its experiment directory; 0 without one. */
    public long unitsRecovered() {
        return unitsRecovered;
    }

    /** Epochs completed over all trials. */
    public long epochsCompleted() {
        return trials.stream().mapToLong(TrialResult::epochsCompleted).sum();
    }

    /** Wall-clock time of the run. */
    public Duration elapsed() {
        return elapsed;
    }

    /**
     * The top {@code n} of the leaderboard as a text table: the objective's metric on the
     * validation data, and on the test set for the trials evaluated there.
     */
    public String leaderboardTable(int n) {
        StringBuilder out = new StringBuilder();
        boolean tested = trials.stream().anyMatch(t -> t.test() != null);
        String metric = objective.metric();
        out.append(String.format("%-5s %-6s %-10s %6s %14s%s  %s%n", "rank", "trial", "status", "epochs",
            "val " + metric, tested ? String.format(" %14s", "test " + metric) : "", "config"));
        List<TrialResult> board = leaderboard();
        for (int i = 0; i < Math.min(n, board.size()); i++) {
            TrialResult t = board.get(i);
            String test = !tested ? "" : String.format(" %14s", t.test() == null ? "-"
                : Json.fixed(t.test().get(metric), 4));
            out.append(String.format("%-5d %-6d %-10s %6d %14s%s  %s%n", i + 1, t.trialId(), t.status(),
                t.epochsCompleted(), Json.fixed(objective.metricOf(t.finalScore()), 4), test,
                org.cerebro.report.Format.config(t.config())));
        }
        if (!failures().isEmpty()) {
            out.append(failures().size()).append(" trial(s) failed; see failures()").append(System.lineSeparator());
        }
        return out.toString();
    }

    /**
     * One CSV row per trial: id, config id, status, epochs, the objective's metric at the last
     * epoch, loss, accuracy, the metric on the test set (empty unless evaluated there), one column
     * per hyperparameter, and the failure. Numbers keep every digit.
     */
    public String toCsv() {
        TreeSet<String> params = new TreeSet<>();
        trials.forEach(t -> params.addAll(t.config().values().keySet()));
        StringBuilder out = new StringBuilder("trial,config_id,status,epochs," + csv(objective.metric())
            + ",loss,accuracy,test_" + csv(objective.metric()));
        params.forEach(p -> out.append(',').append(csv(p)));
        out.append(",failure\n");
        for (TrialResult t : trials) {
            EpochRecord last = t.lastEpoch();
            out.append(t.trialId()).append(',').append(t.config().id()).append(',').append(t.status()).append(',')
                .append(t.epochsCompleted()).append(',')
                .append(last == null ? "" : objective.metricOf(last.score())).append(',')
                .append(last == null ? "" : last.metrics().loss()).append(',')
                .append(last == null ? "" : last.metrics().accuracy()).append(',')
                .append(t.test() == null ? "" : t.test().get(objective.metric()));
            for (String p : params) {
                Object value = t.config().values().get(p);
                out.append(',').append(value == null ? "" : csv(value.toString()));
            }
            out.append(',').append(t.failure() == null ? "" : csv(t.failure())).append('\n');
        }
        return out.toString();
    }

    /** The whole result as one JSON object. */
    public String toJson() {
        StringBuilder out = new StringBuilder("{");
        out.append("\"search\":").append(Json.string(search))
            .append(",\"metric\":").append(Json.string(objective.metric()))
            .append(",\"maximize\":").append(objective.maximize())
            .append(",\"executor\":").append(Json.string(executor))
            .append(",\"partitions\":").append(partitions)
            .append(",\"unitsRun\":").append(unitsRun)
            .append(",\"unitsRecovered\":").append(unitsRecovered)
            .append(",\"epochsCompleted\":").append(epochsCompleted())
            .append(",\"elapsedSeconds\":").append(Json.number(elapsed.toNanos() / 1e9))
            .append(",\"plan\":").append(Json.string(plan().chosen().name()))
            .append(",\"planner\":").append(Json.string(plan().planner()))
            .append(",\"estimatedSeconds\":").append(Json.number(plan().chosenCandidate().makespanSeconds()))
            .append(",\"warnings\":[").append(String.join(",", warnings.stream().map(Json::string).toList())).append(']');
        out.append(",\"best\":").append(best().map(t -> String.valueOf(t.trialId())).orElse("null"));
        out.append(",\"trials\":[");
        for (int i = 0; i < trials.size(); i++) {
            out.append(i > 0 ? "," : "").append(trialJson(trials.get(i)));
        }
        out.append("],\"rungs\":[");
        for (int i = 0; i < rungs.size(); i++) {
            RungReport r = rungs.get(i);
            out.append(i > 0 ? "," : "").append("{\"bracket\":").append(r.bracket()).append(",\"rung\":").append(r.rung())
                .append(",\"epochs\":").append(r.epochs()).append(",\"planned\":").append(r.planned())
                .append(",\"recorded\":").append(r.recorded()).append(",\"promoted\":").append(r.promoted()).append('}');
        }
        return out.append("]}").toString();
    }

    private String trialJson(TrialResult t) {
        StringBuilder out = new StringBuilder("{\"trial\":").append(t.trialId())
            .append(",\"configId\":").append(Json.string(t.config().id()))
            .append(",\"config\":{");
        boolean first = true;
        for (var entry : t.config().values().entrySet()) {
            out.append(first ? "" : ",").append(Json.string(entry.getKey())).append(':').append(Json.value(entry.getValue()));
            first = false;
        }
        out.append("},\"status\":").append(Json.string(t.status().name()))
            .append(",\"score\":").append(Json.number(t.finalScore()))
            .append(",\"test\":").append(t.test() == null ? "null" : metricsJson(t.test()))
            .append(",\"failure\":").append(Json.string(t.failure()))
            .append(",\"provenance\":{\"searchSeed\":").append(t.provenance().searchSeed())
            .append(",\"trialSeed\":").append(t.provenance().trialSeed())
            .append(",\"trainable\":").append(Json.string(t.provenance().trainable()))
            .append(",\"cerebroVersion\":").append(Json.string(t.provenance().cerebroVersion()))
            .append(",\"javaVersion\":").append(Json.string(t.provenance().javaVersion()))
            .append("},\"epochs\":[");
        for (int i = 0; i < t.epochs().size(); i++) {
            EpochRecord e = t.epochs().get(i);
            out.append(i > 0 ? "," : "").append("{\"epoch\":").append(e.epoch())
                .append(",\"score\":").append(Json.number(e.score()))
                .append(",\"trainLoss\":").append(Json.number(e.trainLoss()))
                .append(",\"loss\":").append(Json.number(e.metrics().loss()))
                .append(",\"accuracy\":").append(Json.number(e.metrics().accuracy()));
            e.metrics().extra().forEach((k, v) -> out.append(',').append(Json.string(k)).append(':').append(Json.number(v)));
            out.append('}');
        }
        return out.append("]}").toString();
    }

    private static String metricsJson(org.cerebro.train.Metrics metrics) {
        StringBuilder out = new StringBuilder("{\"loss\":").append(Json.number(metrics.loss()))
            .append(",\"accuracy\":").append(Json.number(metrics.accuracy()));
        metrics.extra().forEach((k, v) -> out.append(',').append(Json.string(k)).append(':').append(Json.number(v)));
        return out.append('}').toString();
    }

    /** Writes {@link #toCsv()} to {@code file}. */
    public void writeCsv(Path file) {
        write(file, toCsv());
    }

    /** Writes {@link #toJson()} to {@code file}. */
    public void writeJson(Path file) {
        write(file, toJson());
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write file=" + file, e);
        }
    }

    private static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return "SearchResult[" + search + ", trials=" + trials.size() + ", best="
            + best().map(t -> t.trialId() + " " + objective.metric() + "=" + objective.metricOf(t.finalScore()))
                .orElse("none") + "]";
    }
}
