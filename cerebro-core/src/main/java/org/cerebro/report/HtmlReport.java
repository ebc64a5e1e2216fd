package org.cerebro.report;

import java.util.List;
import java.util.Locale;
import org.cerebro.exec.UnitRecord;
import org.cerebro.TrialStatus;
import org.cerebro.TrialResult;
import org.cerebro.SearchResult;
import org.cerebro.EpochRecord;

/**
 * Renders a {@link SearchResult} as one self-contained HTML page: inline CSS, charts as inline
 * SVG drawn here, no scripts and nothing fetched at view time. Elements carry ids
 * ({@code leaderboard}, {@code learning-curves}, {@code schedule}, {@code space}, {@code explain})
 * so that tests and tools can find them.
 *
 * <p>Not thread-safe; one use per render.
 */
public final class HtmlReport {
    private static final int WIDTH = 860;
    private static final int CURVE_HEIGHT = 320;
    private static final int MARGIN = 48;
    private static final int ROW = 26;

    private final SearchResult result;
    private final StringBuilder out = new StringBuilder(32 * 1024);

    /** A renderer of {@code result}; {@link #render()} once. */
    public HtmlReport(SearchResult result) {
        this.result = result;
    }

    /** The page. */
    public String render() {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .append("<title>Cerebro report: ").append(escape(result.search())).append("</title>\n<style>")
            .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:960px}")
            .append("table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:4px 8px;")
            .append("text-align:left}th{background:#f4f4f4}pre{background:#f8f8f8;padding:12px;overflow-x:auto;")
            .append("font-size:12px}svg{background:#fff;border:1px solid #ddd}.stopped{stroke-dasharray:5 4;")
            .append("opacity:.55}.axis{stroke:#888}.label{font-size:11px;fill:#555}</style></head><body>\n");
        out.append("<h1>Cerebro search report</h1>\n<p>").append(escape(result.search())).append("<br>executor ")
            .append(escape(result.executor())).append(", ").append(result.partitions()).append(" partitions, plan ")
            .append(escape(result.plan().executable())).append(", ").append(result.trials().size()).append(" trials, ")
            .append(result.epochsCompleted()).append(" epochs, ").append(result.unitsRun()).append(" units")
            .append(result.unitsRecovered() > 0 ? " (+" + result.unitsRecovered() + " recovered)" : "")
            .append(String.format(Locale.ROOT, ", %.1f s", result.elapsed().toNanos() / 1e9)).append("</p>\n");
        leaderboard();
        learningCurves();
        schedule();
        out.append("<h2>Search space</h2>\n<section id=\"space\"><ul>");
        for (String line : result.space().split("\n")) {
            if (!line.isBlank()) {
                out.append("<li><code>").append(escape(line)).append("</code></li>");
            }
        }
        out.append("</ul></section>\n<h2>EXPLAIN</h2>\n<pre id=\"explain\">").append(escape(result.explain()))
            .append("</pre>\n</body></html>\n");
        return out.toString();
    }

    private void leaderboard() {
        String metric = result.objective().metric();
        out.append("<h2>Leaderboard</h2>\n<table id=\"leaderboard\"><tr><th>rank</th><th>trial</th><th>")
            .append(escape(metric)).append("</th><th>epochs</th><th>status</th><th>config</th></tr>\n");
        int rank = 1;
        for (TrialResult trial : result.leaderboard()) {
            String value = trial.epochs().isEmpty() ? "-"
                : String.format(Locale.ROOT, "%.4f", trial.lastEpoch().metrics().get(metric));
            out.append("<tr><td>").append(rank++).append("</td><td>").append(trial.trialId()).append("</td><td>")
                .append(value).append("</td><td>").append(trial.epochsCompleted()).append("</td><td>")
                .append(trial.status()).append("</td><td><code>").append(escape(trial.config().canonical()))
                .append("</code></td></tr>\n");
        }
        out.append("</table>\n");
    }

    private void learningCurves() {
        String metric = result.objective().metric();
        List<TrialResult> trials = result.trials();
        int maxEpoch = 1;
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (TrialResult trial : trials) {
            for (EpochRecord epoch : trial.epochs()) {
                double value = epoch.metrics().get(metric);
                if (Double.isFinite(value)) {
                    low = Math.min(low, value);
                    high = Math.max(high, value);
                }
                maxEpoch = Math.max(maxEpoch, epoch.epoch());
            }
        }
        out.append("<h2>Learning curves</h2>\n<p>").append(escape(metric))
            .append(" on the validation data after each epoch; dashed: stopped, failed or cancelled trials.</p>\n")
            .append("<svg id=\"learning-curves\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
            .append("\" height=\"").append(CURVE_HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
            .append(CURVE_HEIGHT).append("\">");
        if (low > high) {
            out.append("<text x=\"20\" y=\"40\">no completed epochs</text></svg>\n");
            return;
        }
        if (high - low < 1e-9) {
            low -= 0.5;
            high += 0.5;
        }
        double plotWidth = WIDTH - 2.0 * MARGIN;
        double plotHeight = CURVE_HEIGHT - 2.0 * MARGIN;
        axes(plotWidth, plotHeight, low, high, maxEpoch);
        TrialResult best = result.best().orElse(null);
        for (TrialResult trial : trials) {
            if (trial.epochs().isEmpty()) {
                continue;
            }
            boolean stopped = trial.status() != TrialStatus.COMPLETED;
            String color = color(trial.trialId());
            StringBuilder points = new StringBuilder();
            for (EpochRecord epoch : trial.epochs()) {
                double x = MARGIN + (maxEpoch == 1 ? plotWidth / 2 : (epoch.epoch() - 1) * plotWidth / (maxEpoch - 1));
                double y = MARGIN + (high - epoch.metrics().get(metric)) / (high - low) * plotHeight;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", x, y,
                    color));
            }
            out.append("<polyline class=\"trial").append(stopped ? " stopped" : "").append("\" fill=\"none\" stroke=\"")
                .append(color).append("\" stroke-width=\"").append(trial == best ? "3" : "1.5").append("\" points=\"")
                .append(points.toString().trim()).append("\"><title>trial ").append(trial.trialId()).append(' ')
                .append(escape(trial.config().canonical())).append(" (").append(trial.status()).append(")</title>")
                .append("</polyline>");
        }
        out.append("</svg>\n");
    }

    private void axes(double plotWidth, double plotHeight, double low, double high, int maxEpoch) {
        out.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\"/>", MARGIN,
            MARGIN, MARGIN, MARGIN + plotHeight));
        out.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
            MARGIN, MARGIN + plotHeight, MARGIN + plotWidth, MARGIN + plotHeight));
        for (int i = 0; i <= 4; i++) {
            double value = low + (high - low) * i / 4;
            double y = MARGIN + plotHeight - plotHeight * i / 4;
            out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"4\" y=\"%.1f\">%.3f</text>", y + 4, value));
        }
        int step = Math.max(1, maxEpoch / 10);
        for (int e = 1; e <= maxEpoch; e += step) {
            double x = MARGIN + (maxEpoch == 1 ? plotWidth / 2 : (e - 1) * plotWidth / (maxEpoch - 1));
            out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\">%d</text>", x - 3,
                MARGIN + plotHeight + 16, e));
        }
        out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%.1f\" y=\"%d\">epoch</text>",
            MARGIN + plotWidth / 2, CURVE_HEIGHT - 6));
    }

    private void schedule() {
        List<UnitRecord> units = result.units();
        out.append("<h2>Schedule</h2>\n<p>Units (one trial, one partition, one pass) per worker over time; colour ="
            + " trial.</p>\n");
        if (units.isEmpty()) {
            out.append("<svg id=\"schedule\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
                .append("\" height=\"60\"><text x=\"20\" y=\"36\">this executor records no units</text></svg>\n");
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
        double span = Math.max(1, end - start);
        double plotWidth = WIDTH - 2.0 * MARGIN;
        int height = MARGIN + workers * ROW + 30;
        out.append("<svg id=\"schedule\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
            .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
            .append("\">");
        for (int w = 0; w < workers; w++) {
            out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"4\" y=\"%d\">worker %d</text>",
                MARGIN / 2 + w * ROW + ROW / 2 + 4, w));
        }
        for (UnitRecord unit : units) {
            double x = MARGIN + (unit.startNanos() - start) / span * plotWidth;
            double width = Math.max(0.8, (unit.endNanos() - unit.startNanos()) / span * plotWidth);
            out.append(String.format(Locale.ROOT, "<rect class=\"unit\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"%s\"><title>trial %d epoch %d partition %d, %.3f s</title></rect>", x,
                MARGIN / 2 + unit.worker() * ROW + 3, width, ROW - 6, color(unit.trialId()), unit.trialId(), unit.epoch(),
                unit.partition(), (unit.endNanos() - unit.startNanos()) / 1e9));
        }
        out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%d\">0 s</text>", MARGIN,
            height - 8));
        out.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%.1f\" y=\"%d\">%.1f s</text>",
            MARGIN + plotWidth - 30, height - 8, span / 1e9));
        out.append("</svg>\n");
    }

    /** A distinct, stable colour per trial (golden-angle hues). */
    private static String color(int trialId) {
        return String.format(Locale.ROOT, "hsl(%d,65%%,45%%)", (int) ((trialId * 137.508) % 360));
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
