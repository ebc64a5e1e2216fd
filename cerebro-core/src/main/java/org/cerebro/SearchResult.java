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

/**
 * The outcome of a search: every trial with its config, per-epoch metrics, status and
 * provenance, the best trial, a leaderboard, and exports to CSV and JSON. Immutable.
 *
 * <p>A trial's score is the objective's score at its last epoch. The leaderboard ranks the
 * trials that completed at least one epoch and did not fail by that score (higher first), then by
 * epochs completed (more first), then by trial id.
 */
public final class SearchResult {
    private static final Comparator<TrialResult> RANKING = Comparator
        .comparingDouble(TrialResult::finalScore).reversed()
        .thenComparing(Comparator.comparingInt(TrialResult::epochsCompleted).reversed())
        .thenComparingInt(TrialResult::trialId);

    private final String search;
    private final String space;
    private final Objective objective;
    private final List<TrialResult> trials;
    private final List<RungReport> rungs;
    private final String executor;
    private final int partitions;
    private final long unitsRun;
    private final long unitsRecovered;
    private final List<org.cerebro.exec.UnitRecord> units;
    private final Duration elapsed;
    private final List<PlannedStage> stages;

    /**
     * A result as the search driver assembles it at a search's end; users get one from
     * {@link Search#run()}.
     */
    public SearchResult(String search, String space, Objective objective, List<TrialResult> trials, List<RungReport> rungs,
                        String executor, int partitions, long unitsRun, long unitsRecovered,
                        List<org.cerebro.exec.UnitRecord> units, Duration elapsed, List<PlannedStage> stages) {
        this.search = search;
        this.space = space;
        this.objective = objective;
        this.trials = List.copyOf(trials);
        this.rungs = List.copyOf(rungs);
        this.executor = executor;
        this.partitions = partitions;
        this.unitsRun = unitsRun;
        this.unitsRecovered = unitsRecovered;
        this.units = List.copyOf(units);
        this.elapsed = elapsed;
        this.stages = List.copyOf(stages);
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
     * chosen and why, the inputs used, and the measured time from that stage to the end next to
     * the estimate for the same work.
     */
    public String explain() {
        StringBuilder out = new StringBuilder();
        double total = elapsed.toNanos() / 1e9;
        for (int i = 0; i < stages.size(); i++) {
            PlannedStage stage = stages.get(i);
            if (stages.size() > 1) {
                out.append(String.format(java.util.Locale.ROOT, "stage %d, planned at +%.2f s (%s):%n", i + 1,
                    stage.atSeconds(), stage.trigger()));
            }
            out.append(stage.plan().explain(total - stage.atSeconds()));
        }
        return out.toString();
    }

    /** The search space, one hyperparameter per line ({@code name: distribution}). */
    public String space() {
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

    /** The ranked trials (failed ones and those without an epoch left out). */
    public List<TrialResult> leaderboard() {
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

    /** The top {@code n} of the leaderboard as a text table. */
    public String leaderboardTable(int n) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-5s %-6s %-10s %6s %10s  %s%n", "rank", "trial", "status", "epochs",
            objective.metric(), "config"));
        List<TrialResult> board = leaderboard();
        for (int i = 0; i < Math.min(n, board.size()); i++) {
            TrialResult t = board.get(i);
            out.append(String.format("%-5d %-6d %-10s %6d %10s  %s%n", i + 1, t.trialId(), t.status(),
                t.epochsCompleted(), Json.fixed(objective.metricOf(t.finalScore()), 4), t.config().canonical()));
        }
        if (!failures().isEmpty()) {
            out.append(failures().size()).append(" trial(s) failed; see failures()").append(System.lineSeparator());
        }
        return out.toString();
    }

    /**
     * One CSV row per trial: id, config id, status, epochs, the objective's metric at the last
     * epoch, loss, accuracy, one column per hyperparameter, and the failure.
     */
    public String toCsv() {
        TreeSet<String> params = new TreeSet<>();
        trials.forEach(t -> params.addAll(t.config().values().keySet()));
        StringBuilder out = new StringBuilder("trial,config_id,status,epochs," + csv(objective.metric())
            + ",loss,accuracy");
        params.forEach(p -> out.append(',').append(csv(p)));
        out.append(",failure\n");
        for (TrialResult t : trials) {
            EpochRecord last = t.lastEpoch();
            out.append(t.trialId()).append(',').append(t.config().id()).append(',').append(t.status()).append(',')
                .append(t.epochsCompleted()).append(',')
                .append(last == null ? "" : objective.metricOf(last.score())).append(',')
                .append(last == null ? "" : last.metrics().loss()).append(',')
                .append(last == null ? "" : last.metrics().accuracy());
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
            .append(",\"estimatedSeconds\":").append(Json.number(plan().chosenCandidate().makespanSeconds()));
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
