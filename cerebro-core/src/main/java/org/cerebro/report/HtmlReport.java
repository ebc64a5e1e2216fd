package org.cerebro.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.cerebro.EpochRecord;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.TrialStatus;
import org.cerebro.exec.UnitRecord;

/**
 * Renders a {@link SearchResult} as one self-contained HTML page: inline CSS, charts as inline
 * SVG drawn here, no scripts and nothing fetched at view time. It shows the search at a glance
 * (best validation and test scores, trials, epochs, time), the leaderboard (numbers to three
 * significant digits, one column per hyperparameter), learning curves of the objective and of
 * the validation loss with a legend of the best trials, the hyperparameters against the score as
 * parallel coordinates, the schedule of units per worker, the search space, EXPLAIN and any
 * warnings. A report of a search still running refreshes itself every few seconds.
 *
 * <p>Elements carry ids ({@code summary}, {@code leaderboard}, {@code learning-curves},
 * {@code loss-curves}, {@code parallel-coordinates}, {@code schedule}, {@code space},
 * {@code explain}) so that tests and tools can find them. A page stays small for any search: it
 * lists and draws the best {@value #MAX_TRIALS_SHOWN} trials and the first
 * {@value #MAX_UNITS_SHOWN} units and says so; the JSON export holds everything. Not
 * thread-safe; one use per render.
 */
public final class HtmlReport {
    /** Seconds between reloads of a live report. */
    public static final int REFRESH_SECONDS = 5;
    private static final int WIDTH = 900;
    private static final int CHART_HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 170;
    private static final int TOP = 16;
    private static final int BOTTOM = 44;
    private static final int ROW = 24;
    private static final int LEGEND_ENTRIES = 10;
    /** Trials listed and drawn at most: the best ones, then unranked ones (failed, or no epoch yet). */
    public static final int MAX_TRIALS_SHOWN = 300;
    /** Units drawn in the schedule at most. */
    public static final int MAX_UNITS_SHOWN = 20_000;

    private final SearchResult result;
    private final boolean live;
    private final StringBuilder out = new StringBuilder(64 * 1024);
    private final List<TrialResult> board;
    /** The trials listed and drawn, best first: at most {@link #MAX_TRIALS_SHOWN}. */
    private final List<TrialResult> shown;

    /** A renderer of a finished search's {@code result}; {@link #render()} once. */
    public HtmlReport(SearchResult result) {
        this(result, false);
    }

    /**
     * A renderer of {@code result}; {@code live} for a search still running: the page says so and
     * reloads itself every {@link #REFRESH_SECONDS} seconds.
     */
    public HtmlReport(SearchResult result, boolean live) {
        this.result = result;
        this.live = live;
        this.board = result.leaderboard();
        Set<Integer> ranked = new java.util.HashSet<>();
        board.forEach(t -> ranked.add(t.trialId()));
        List<TrialResult> rows = new ArrayList<>(board);
        result.trials().stream().filter(t -> !ranked.contains(t.trialId())).forEach(rows::add);
        this.shown = rows.subList(0, Math.min(rows.size(), MAX_TRIALS_SHOWN));
    }

    /** Says that only the first {@code shown} of {@code total} are on the page, when so. */
    private void truncationNote(int shownCount, int total, String what) {
        if (shownCount < total) {
            out.append("<p class=\"note\">Showing ").append(shownCount).append(" of ").append(total).append(' ')
                .append(what).append("; SearchResult.toJson() and leaderboard() hold them all.</p>\n");
        }
    }

    /** The page. */
    public String render() {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        if (live) {
            out.append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">");
        }
        out.append("<title>Cerebro report: ").append(escape(result.search())).append("</title>\n<style>")
            .append("body{font-family:system-ui,sans-serif;margin:24px auto;color:#222;max-width:940px;padding:0 16px}")
            .append("h1{margin-bottom:4px}h2{margin-top:32px;border-bottom:1px solid #eee;padding-bottom:4px}")
            .append("table{border-collapse:collapse;font-size:13px;width:100%}td,th{border-bottom:1px solid #ddd;")
            .append("padding:4px 8px;text-align:left}th{background:#f4f4f4}td.num,th.num{text-align:right;")
            .append("font-variant-numeric:tabular-nums}pre{background:#f8f8f8;padding:12px;white-space:pre-wrap;")
            .append("word-break:break-word;font-size:12px}svg{background:#fff;border:1px solid #ddd;width:100%;")
            .append("height:auto}.stopped{stroke-dasharray:5 4;opacity:.6}.axis{stroke:#888}.grid{stroke:#eee}")
            .append(".label{font-size:11px;fill:#555}.title{font-size:12px;fill:#333}.cards{display:flex;")
            .append("flex-wrap:wrap;gap:12px;margin:16px 0}.card{border:1px solid #ddd;border-radius:6px;")
            .append("padding:8px 14px;min-width:110px}.card b{display:block;font-size:20px}.card span{font-size:12px;")
            .append("color:#666}.note{color:#666;font-size:13px}.live{color:#b35c00;font-weight:bold}")
            .append(".warn{color:#a00}rect.dp{stroke:#222;stroke-width:1.5}</style></head><body>\n");
        out.append("<h1>Cerebro search report</h1>\n<p class=\"note\">").append(escape(result.search()));
        if (live) {
            out.append("<br><span class=\"live\">running: this page reloads every ").append(REFRESH_SECONDS)
                .append(" s</span>");
        }
        out.append("</p>\n");
        summary();
        leaderboard();
        curves("learning-curves", "Learning curves", result.objective().metric() + " on the validation data",
            e -> e.metrics().get(result.objective().metric()));
        curves("loss-curves", "Validation loss", "loss on the validation data", e -> e.metrics().loss());
        parallelCoordinates();
        schedule();
        out.append("<h2>Search space</h2>\n<section id=\"space\"><ul>");
        for (String line : result.space().split("\n")) {
            if (!line.isBlank()) {
                out.append("<li><code>").append(escape(line)).append("</code></li>");
            }
        }
        out.append("</ul></section>\n<h2>EXPLAIN</h2>\n<pre id=\"explain\">").append(escape(result.explain()))
            .append("</pre>\n");
        if (!result.warnings().isEmpty()) {
            out.append("<h2>Warnings</h2>\n<ul id=\"warnings\" class=\"warn\">");
            result.warnings().forEach(w -> out.append("<li>").append(escape(w)).append("</li>"));
            out.append("</ul>\n");
        }
        return out.append("</body></html>\n").toString();
    }

    private void summary() {
        String metric = result.objective().metric();
        TrialResult best = board.isEmpty() ? null : board.get(0);
        out.append("<div id=\"summary\" class=\"cards\">");
        card(best == null ? "-" : Format.number(best.lastEpoch().metrics().get(metric)),
            "best validation " + metric + (best == null ? "" : " (trial " + best.trialId() + ")"));
        if (best != null && best.test() != null) {
            card(Format.number(best.test().get(metric)), "its test " + metric);
        }
        long completed = result.trials().stream().filter(t -> t.status() == TrialStatus.COMPLETED).count();
        card(Integer.toString(result.trials().size()), "trials, " + completed + " completed, " + result.failures().size()
            + " failed");
        card(Long.toString(result.epochsCompleted()), "epochs");
        card(result.unitsRun() + (result.unitsRecovered() > 0 ? " + " + result.unitsRecovered() : ""),
            "units run" + (result.unitsRecovered() > 0 ? " + recovered" : ""));
        card(Format.seconds(result.elapsed().toNanos() / 1e9), "elapsed");
        card(escape(result.plan().executableOperator().name()), escape(result.executor()) + ", "
            + result.partitions() + " partitions");
        out.append("</div>\n");
    }

    private void card(String value, String label) {
        out.append("<div class=\"card\"><b>").append(value).append("</b><span>").append(label).append("</span></div>");
    }

    private List<String> parameterNames() {
        Set<String> names = new LinkedHashSet<>();
        result.trials().forEach(t -> names.addAll(t.config().values().keySet()));
        return new ArrayList<>(names);
    }

    private void leaderboard() {
        String metric = result.objective().metric();
        boolean tested = result.trials().stream().anyMatch(t -> t.test() != null);
        List<String> params = parameterNames();
        out.append("<h2>Leaderboard</h2>\n<table id=\"leaderboard\"><tr><th class=\"num\">rank</th>")
            .append("<th class=\"num\">trial</th><th class=\"num\">val ").append(escape(metric)).append("</th>");
        if (tested) {
            out.append("<th class=\"num\">test ").append(escape(metric)).append("</th>");
        }
        out.append("<th class=\"num\">val loss</th><th class=\"num\">epochs</th><th>status</th>");
        params.forEach(p -> out.append("<th>").append(escape(p)).append("</th>"));
        boolean changes = result.trials().stream().anyMatch(t -> !configChanges(t).isEmpty());
        if (changes) {
            out.append("<th>config changes (population-based training)</th>");
        }
        out.append("</tr>\n");
        for (int row = 0; row < shown.size(); row++) {
            TrialResult trial = shown.get(row);
            EpochRecord last = trial.lastEpoch();
            out.append("<tr><td class=\"num\">").append(row < board.size() ? Integer.toString(row + 1) : "-")
                .append("</td><td class=\"num\">").append(trial.trialId()).append("</td><td class=\"num\">")
                .append(last == null ? "-" : Format.number(last.metrics().get(metric))).append("</td>");
            if (tested) {
                out.append("<td class=\"num\">").append(trial.test() == null ? "" : Format.number(trial.test().get(metric)))
                    .append("</td>");
            }
            out.append("<td class=\"num\">").append(last == null ? "-" : Format.number(last.metrics().loss()))
                .append("</td><td class=\"num\">").append(trial.epochsCompleted()).append("</td><td")
                .append(trial.failure() == null ? ">" : " title=\"" + escape(trial.failure()) + "\">")
                .append(trial.status()).append("</td>");
            for (String p : params) {
                Object value = trial.config().values().get(p);
                out.append("<td>").append(value == null ? "" : escape(Format.value(value))).append("</td>");
            }
            if (changes) {
                out.append("<td class=\"changes\">").append(escape(configChanges(trial))).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
        truncationNote(shown.size(), result.trials().size(), "trials, the best first");
    }

    /** The epochs at which a trial's config changed and what changed, e.g. "from epoch 3: lr=0.012"; empty when none. */
    static String configChanges(TrialResult trial) {
        StringBuilder text = new StringBuilder();
        org.cerebro.space.Config previous = null;
        for (EpochRecord epoch : trial.epochs()) {
            if (previous != null && !epoch.config().equals(previous)) {
                List<String> changed = new ArrayList<>();
                for (var entry : epoch.config().values().entrySet()) {
                    if (!entry.getValue().equals(previous.values().get(entry.getKey()))) {
                        changed.add(entry.getKey() + "=" + Format.value(entry.getValue()));
                    }
                }
                text.append(text.isEmpty() ? "" : "; ").append("from epoch ").append(epoch.epoch()).append(": ")
                    .append(String.join(", ", changed));
            }
            previous = epoch.config();
        }
        return text.toString();
    }

    /** A distinct, stable colour per trial (golden-angle hues). */
    private static String color(int trialId) {
        return String.format(Locale.ROOT, "hsl(%d,65%%,45%%)", (int) ((trialId * 137.508) % 360));
    }

    private void svgOpen(String id, int height) {
        out.append("<svg id=\"").append(id).append("\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
            .append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"")
            .append(height).append("\">");
    }

    private void curves(String id, String heading, String what, ToDoubleFunction<EpochRecord> value) {
        int maxEpoch = 1;
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (TrialResult trial : shown) {
            for (EpochRecord epoch : trial.epochs()) {
                double v = value.applyAsDouble(epoch);
                if (Double.isFinite(v)) {
                    low = Math.min(low, v);
                    high = Math.max(high, v);
                }
                maxEpoch = Math.max(maxEpoch, epoch.epoch());
            }
        }
        out.append("<h2>").append(heading).append("</h2>\n<p class=\"note\">").append(escape(what))
            .append(" after each epoch, a line per trial; the best trial is drawn thick, trials stopped early (or"
                + " failed, or cancelled) dashed.</p>\n");
        svgOpen(id, CHART_HEIGHT);
        if (low > high) {
            out.append("<text class=\"title\" x=\"20\" y=\"40\">no epoch completed yet</text></svg>\n");
            return;
        }
        NiceScale y = NiceScale.of(low, high, 6);
        NiceScale x = maxEpoch <= 10 ? new NiceScale(1, Math.max(2, maxEpoch), 1) : NiceScale.of(1, maxEpoch, 8);
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = CHART_HEIGHT - TOP - BOTTOM;
        axes(x, y, plotWidth, plotHeight, "epoch", what.split(" ")[0]);
        TrialResult best = board.isEmpty() ? null : board.get(0);
        for (TrialResult trial : shown) {
            if (trial.epochs().isEmpty()) {
                continue;
            }
            boolean stopped = trial.status() != TrialStatus.COMPLETED && trial.status() != TrialStatus.RUNNING;
            String color = color(trial.trialId());
            StringBuilder points = new StringBuilder();
            for (EpochRecord epoch : trial.epochs()) {
                double v = value.applyAsDouble(epoch);
                if (!Double.isFinite(v)) {
                    continue;
                }
                double px = LEFT + x.fraction(epoch.epoch()) * plotWidth;
                double py = TOP + (1 - y.fraction(v)) * plotHeight;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\"/>", px, py,
                    color));
            }
            out.append("<polyline class=\"trial").append(stopped ? " stopped" : "").append("\" fill=\"none\" stroke=\"")
                .append(color).append("\" stroke-width=\"").append(trial == best ? "3.2" : "1.4").append("\" points=\"")
                .append(points.toString().trim()).append("\"><title>trial ").append(trial.trialId()).append(' ')
                .append(escape(Format.config(trial.config()))).append(" (").append(trial.status()).append(")</title>")
                .append("</polyline>");
        }
        legend();
        out.append("</svg>\n");
        truncationNote(shown.size(), result.trials().size(), "trials' curves, the best first");
    }

    /** The best trials, colour by colour, right of the plot. */
    private void legend() {
        double x = WIDTH - RIGHT + 16;
        out.append("<g class=\"legend\">");
        out.append(String.format(Locale.ROOT, "<text class=\"title\" x=\"%.1f\" y=\"%d\">best trials</text>", x, TOP + 10));
        int shown = Math.min(LEGEND_ENTRIES, board.size());
        for (int i = 0; i < shown; i++) {
            TrialResult trial = board.get(i);
            double y = TOP + 28 + i * 17;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                + " stroke-width=\"%s\"/>", x, y - 4, x + 18, y - 4, color(trial.trialId()), i == 0 ? "3.2" : "2"));
            out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\">#%d trial %d: %s</text>",
                x + 24, y, i + 1, trial.trialId(), Format.number(result.objective().metricOf(trial.finalScore()))));
        }
        if (board.size() > shown) {
            out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\">+ %d more</text>", x,
                TOP + 28 + shown * 17.0, board.size() - shown));
        }
        out.append("</g>");
    }

    /** Axes, grid lines, tick labels and titles of a plot area at (LEFT, TOP). */
    private void axes(NiceScale x, NiceScale y, double plotWidth, double plotHeight, String xTitle, String yTitle) {
        for (double tick : y.ticks()) {
            double py = TOP + (1 - y.fraction(tick)) * plotHeight;
            out.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                LEFT, py, LEFT + plotWidth, py));
            out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                LEFT - 6, py + 4, Format.number(tick)));
        }
        for (double tick : x.ticks()) {
            double px = LEFT + x.fraction(tick) * plotWidth;
            out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
                + "</text>", px, TOP + plotHeight + 16, Format.number(tick)));
        }
        out.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\"/>", LEFT, TOP,
            LEFT, TOP + plotHeight));
        out.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", LEFT,
            TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight));
        out.append(String.format(Locale.ROOT, "<text class=\"title axis-title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
            + "%s</text>", LEFT + plotWidth / 2, TOP + plotHeight + 36, escape(xTitle)));
        out.append(String.format(Locale.ROOT, "<text class=\"title axis-title\" x=\"14\" y=\"%.1f\" text-anchor=\"middle\""
            + " transform=\"rotate(-90 14 %.1f)\">%s</text>", TOP + plotHeight / 2, TOP + plotHeight / 2, escape(yTitle)));
    }

    /** One vertical axis per hyperparameter and one for the score; a line per trial, coloured by its score. */
    private void parallelCoordinates() {
        String metric = result.objective().metric();
        out.append("<h2>Hyperparameters and the score</h2>\n<p class=\"note\">Each line is a trial that completed an"
            + " epoch, through its hyperparameter values to its final validation ").append(escape(metric))
            .append(", coloured from low (blue) to high (red) score. Log-scaled parameters (and numeric axes spanning"
                + " more than two orders of magnitude) have logarithmic axes.</p>\n");
        int height = CHART_HEIGHT + 20;
        svgOpen("parallel-coordinates", height);
        if (board.isEmpty()) {
            out.append("<text class=\"title\" x=\"20\" y=\"40\">no epoch completed yet</text></svg>\n");
            return;
        }
        List<TrialResult> ranked = board.subList(0, Math.min(board.size(), shown.size()));
        List<String> params = parameterNames();
        Map<String, Axis> axes = new LinkedHashMap<>();
        for (String p : params) {
            boolean declaredLog = result.searchSpace().params().stream().anyMatch(h -> h.name().equals(p) && h.isLog());
            axes.put(p, Axis.of(ranked.stream().map(t -> t.config().values().get(p)).toList(), declaredLog));
        }
        List<Object> scores = ranked.stream().map(t -> (Object) result.objective().metricOf(t.finalScore())).toList();
        axes.put(metric, Axis.of(scores, false));
        int columns = axes.size();
        double span = WIDTH - 2.0 * LEFT;
        double top = 28;
        double plotHeight = height - top - 36;
        List<String> names = new ArrayList<>(axes.keySet());
        double scoreLow = scores.stream().mapToDouble(v -> (Double) v).min().orElse(0);
        double scoreHigh = scores.stream().mapToDouble(v -> (Double) v).max().orElse(1);
        List<TrialResult> drawOrder = new ArrayList<>(ranked);
        drawOrder.sort(Comparator.comparingDouble(TrialResult::finalScore)); // the best on top
        for (TrialResult trial : drawOrder) {
            double score = result.objective().metricOf(trial.finalScore());
            double t = scoreHigh > scoreLow ? (score - scoreLow) / (scoreHigh - scoreLow) : 1;
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String name = names.get(i);
                Object value = i == columns - 1 ? (Object) score : trial.config().values().get(name);
                double px = LEFT + (columns == 1 ? span / 2 : i * span / (columns - 1));
                double py = top + (1 - axes.get(name).position(value)) * plotHeight;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            out.append(String.format(Locale.ROOT, "<polyline class=\"pc\" fill=\"none\" stroke=\"hsl(%d,75%%,45%%)\""
                    + " stroke-width=\"1.6\" opacity=\"0.8\" points=\"%s\"><title>trial %d: %s, %s %s</title></polyline>",
                (int) (240 - 240 * t), points.toString().trim(), trial.trialId(), escape(Format.config(trial.config())),
                escape(metric), Format.number(score)));
        }
        for (int i = 0; i < columns; i++) {
            String name = names.get(i);
            Axis axis = axes.get(name);
            double px = LEFT + (columns == 1 ? span / 2 : i * span / (columns - 1));
            out.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                px, top, px, top + plotHeight));
            out.append(String.format(Locale.ROOT, "<text class=\"title axis-title\" x=\"%.1f\" y=\"%.1f\""
                + " text-anchor=\"middle\">%s%s</text>", px, top - 10, escape(name), axis.log ? " (log)" : ""));
            for (Map.Entry<Double, String> tick : axis.ticks().entrySet()) {
                double py = top + (1 - tick.getKey()) * plotHeight;
                out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\">%s</text>", px + 4,
                    py + 4, escape(tick.getValue())));
            }
        }
        out.append("</svg>\n");
    }

    /** A parallel-coordinates axis: numeric (linear or log) or categorical. */
    private static final class Axis {
        final boolean numeric;
        final boolean log;
        final double low;
        final double high;
        final List<String> categories;

        private Axis(boolean numeric, boolean log, double low, double high, List<String> categories) {
            this.numeric = numeric;
            this.log = log;
            this.low = low;
            this.high = high;
            this.categories = categories;
        }

        /** @param declaredLog whether the parameter is declared on a log scale (log-uniform, log range) */
        static Axis of(List<Object> values, boolean declaredLog) {
            boolean numeric = values.stream().allMatch(v -> v instanceof Number);
            if (!numeric) {
                List<String> categories = values.stream().map(v -> v == null ? "-" : Format.value(v)).distinct().sorted()
                    .toList();
                return new Axis(false, false, 0, 0, categories);
            }
            double low = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).min().orElse(0);
            double high = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).max().orElse(1);
            boolean log = low > 0 && (declaredLog || high / low > 100);
            return new Axis(true, log, low, high, List.of());
        }

        double position(Object value) {
            if (!numeric) {
                int index = categories.indexOf(value == null ? "-" : Format.value(value));
                return categories.size() == 1 ? 0.5 : index / (double) (categories.size() - 1);
            }
            double v = ((Number) value).doubleValue();
            if (high <= low) {
                return 0.5;
            }
            return log ? (Math.log(v) - Math.log(low)) / (Math.log(high) - Math.log(low)) : (v - low) / (high - low);
        }

        Map<Double, String> ticks() {
            Map<Double, String> ticks = new LinkedHashMap<>();
            if (!numeric) {
                categories.forEach(c -> ticks.put(position(c), c));
            } else if (high <= low) {
                ticks.put(0.5, Format.number(low));
            } else {
                for (int i = 0; i <= 4; i++) {
                    double f = i / 4.0;
                    double v = log ? Math.exp(Math.log(low) + f * (Math.log(high) - Math.log(low))) : low + f * (high - low);
                    ticks.put(f, Format.number(v));
                }
            }
            return ticks;
        }
    }

    private void schedule() {
        List<UnitRecord> units = result.units();
        out.append("<h2>Schedule</h2>\n<p class=\"note\">Units (one trial, one partition, one pass) on each worker over"
            + " time, coloured by trial; outlined bars are data-parallel epochs, one trial on several workers at once;"
            + " gaps are idle workers.</p>\n");
        if (units.isEmpty()) {
            svgOpen("schedule", 60);
            out.append("<text class=\"title\" x=\"20\" y=\"36\">no unit ran in this run</text></svg>\n");
            return;
        }
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        int workers = 0;
        for (UnitRecord unit : units) {
            start = Math.min(start, unit.startNanos());
            end = Math.max(end, unit.endNanos());
            workers = Math.max(workers, unit.worker() + 1);
        }
        double seconds = Math.max(1e-3, (end - start) / 1e9);
        NiceScale x = NiceScale.of(0, seconds, 8);
        double plotWidth = WIDTH - LEFT - 24;
        int height = TOP + workers * ROW + BOTTOM;
        svgOpen("schedule", height);
        for (int w = 0; w < workers; w++) {
            out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">worker %d"
                + "</text>", LEFT - 6, TOP + w * ROW + ROW / 2 + 4, w));
        }
        for (UnitRecord unit : units.subList(0, Math.min(units.size(), MAX_UNITS_SHOWN))) {
            double from = (unit.startNanos() - start) / 1e9;
            double width = Math.max(0.8, (unit.endNanos() - unit.startNanos()) / 1e9 / (x.high() - x.low()) * plotWidth);
            out.append(String.format(Locale.ROOT, "<rect class=\"unit%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"%s\"><title>trial %d epoch %d %s, %s</title></rect>", unit.dataParallel() ? " dp" : "",
                LEFT + x.fraction(from) * plotWidth, TOP + unit.worker() * ROW + 3, width, ROW - 6, color(unit.trialId()),
                unit.trialId(), unit.epoch(), unit.dataParallel() ? "data-parallel on every worker"
                    : "partition " + unit.partition(), Format.seconds((unit.endNanos() - unit.startNanos()) / 1e9)));
        }
        double axisY = TOP + workers * ROW;
        out.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", LEFT,
            axisY, LEFT + plotWidth, axisY));
        for (double tick : x.ticks()) {
            double px = LEFT + x.fraction(tick) * plotWidth;
            out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
                + "</text>", px, axisY + 15, Format.number(tick)));
        }
        out.append(String.format(Locale.ROOT, "<text class=\"title axis-title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
            + "seconds since the first unit</text>", LEFT + plotWidth / 2, axisY + 34));
        out.append("</svg>\n");
        truncationNote(Math.min(units.size(), MAX_UNITS_SHOWN), units.size(), "units, the first");
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
