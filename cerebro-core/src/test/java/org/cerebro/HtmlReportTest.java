package org.cerebro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.cerebro.data.Dataset;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report: its content, and its rendering in a real headless Chromium (Debian's package,
 * installed by {@code .ci/run}); the screenshot is kept as {@code target/report-screenshot.png}.
 */
class HtmlReportTest {
    private static SearchResult search() {
        return search(null);
    }

    private static SearchResult search(Path live) {
        try (Dataset train = MlpTrainableTest.blobs(300, 1); Dataset validation = MlpTrainableTest.blobs(100, 2);
             Dataset test = MlpTrainableTest.blobs(100, 3)) {
            SearchBuilder builder = Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.001, 0.3),
                    HParam.choice("hidden", 0, 4), HParam.choice("optimizer", "sgd")))
                .trainable(new MlpTrainable()).data(train, validation).test(test)
                .strategy(Strategy.asha(1, 9, 3).maxTrials(9))
                .objective(Objective.maximize("accuracy")).seed(2).partitions(3).progress(false);
            return (live == null ? builder : builder.report(live)).run();
        }
    }

    private static int count(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aSearchOfManyTrialsGivesAPageOfBoundedSizeThatSaysWhatItLeftOut(@TempDir Path tmp) throws Exception {
        int trials = org.cerebro.report.HtmlReport.MAX_TRIALS_SHOWN + 60;
        SearchResult result;
        try (Dataset train = MlpTrainableTest.blobs(12, 1); Dataset validation = MlpTrainableTest.blobs(8, 2)) {
            result = Cerebro.search(SearchSpace.of(HParam.logUniform("lr", 0.001, 0.3))).trainable(new MlpTrainable())
                .data(train, validation).strategy(Strategy.random(trials, 1)).objective(Objective.maximize("accuracy"))
                .progress(false).run();
        }
        Path file = tmp.resolve("report.html");
        result.writeReport(file);
        String html = Files.readString(file);
        assertEquals(org.cerebro.report.HtmlReport.MAX_TRIALS_SHOWN, count(html, "<tr><td class=\"num\">"));
        assertTrue(html.contains("Showing 300 of " + trials + " trials, the best first"), "says what it left out");
        String bestRow = "<tr><td class=\"num\">1</td><td class=\"num\">" + result.best().orElseThrow().trialId() + "<";
        assertTrue(html.contains(bestRow), "the best trial is listed first");
        assertTrue(html.length() < 4_000_000, "page size " + html.length());
    }

    @Test
    void theReportHoldsEveryViewWithLegendsAxesAndNumbersForPeople(@TempDir Path tmp) throws Exception {
        SearchResult result = search();
        Path file = tmp.resolve("report.html");
        result.writeReport(file);
        String html = Files.readString(file);
        assertEquals(result.trials().size(), count(html, "<tr><td class=\"num\">"), "a leaderboard row per trial");
        long withEpochs = result.trials().stream().filter(t -> !t.epochs().isEmpty()).count();
        assertEquals(2 * withEpochs, count(html, "<polyline class=\"trial"), "a curve per trial, in both charts");
        assertTrue(count(html, "<polyline class=\"trial stopped\"") > 0, "ASHA stopped some: drawn dashed");
        assertEquals(result.units().size(), count(html, "<rect class=\"unit\""), "a bar per unit");
        assertEquals(withEpochs, count(html, "<polyline class=\"pc\""), "a parallel-coordinates line per trial");
        assertEquals(2, count(html, "<g class=\"legend\">"), "each learning-curve chart has a legend");
        assertTrue(html.contains(">#1 trial " + result.best().orElseThrow().trialId() + ": "), "the best trial leads it");
        assertTrue(count(html, "axis-title") >= 2 * 2 + 1 + 4, "axis titles: epochs and metrics, the schedule's time,"
            + " and one per parallel axis");
        assertTrue(html.contains(">seconds since the first unit<"), "the schedule's time axis has a title");
        assertTrue(html.contains("lr (log)"), "the learning rate's axis is logarithmic");
        assertTrue(html.contains("id=\"loss-curves\"") && html.contains("id=\"parallel-coordinates\""), "new views");
        assertTrue(html.contains(">test accuracy<") && html.contains("its test accuracy"), "the test score is shown");
        assertTrue(!Pattern.compile("\\d\\.\\d{7,}").matcher(html.replaceAll("<pre id=\"explain\">[\\s\\S]*</pre>", ""))
            .find(), "no raw doubles such as 7.33184612881118E-4 outside EXPLAIN");
        assertTrue(!Pattern.compile("\\dE-\\d").matcher(html).find(), "no Java exponents");
        assertTrue(html.contains("<code>lr=logUniform(0.001, 0.3)</code>"), "the space");
        assertTrue(html.contains("<pre id=\"explain\">EXPLAIN"), "EXPLAIN");
        assertTrue(html.contains("white-space:pre-wrap"), "EXPLAIN wraps instead of being clipped");
        assertTrue(html.contains("measured: makespan"), "with the measured time");
        assertTrue(!html.contains("http-equiv=\"refresh\""), "a finished search's report does not reload");
        assertTrue(!html.replace("http://www.w3.org/2000/svg", "").contains("http"),
            "no address but the SVG namespace: nothing is fetched from the network");
        assertTrue(!html.contains("<script"), "no scripts");
    }

    @Test
    void aReportAskedForIsWrittenAtTheEndAndLiveWhileTheSearchRuns(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("live.html");
        SearchResult result = search(file);
        String html = Files.readString(file);
        assertTrue(html.contains("id=\"leaderboard\""), "the final report");
        assertTrue(!html.contains("http-equiv=\"refresh\""), "final: no reload");
        Path snapshot = tmp.resolve("snapshot.html");
        result.writeLiveReport(snapshot);
        String live = Files.readString(snapshot);
        assertTrue(live.contains("<meta http-equiv=\"refresh\" content=\"5\">") && live.contains("running: this page"),
            "a live report reloads itself and says so");
    }

    @Test
    void theReportRendersInHeadlessChromium(@TempDir Path tmp) throws Exception {
        String chromium = chromium();
        SearchResult result = search();
        Path file = tmp.resolve("report.html");
        result.writeReport(file);
        Path screenshot = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);
        String dom = runChromium(chromium, tmp, "--dump-dom", file.toUri().toString());
        Matcher curves = Pattern.compile("<svg id=\"learning-curves\"[^>]*>(.*?)</svg>", Pattern.DOTALL).matcher(dom);
        assertTrue(curves.find(), "learning curves in the rendered DOM: " + dom.substring(0, Math.min(500, dom.length())));
        assertTrue(count(curves.group(1), "<polyline") >= 3, "curves drawn");
        Matcher schedule = Pattern.compile("<svg id=\"schedule\"[^>]*>(.*?)</svg>", Pattern.DOTALL).matcher(dom);
        assertTrue(schedule.find() && count(schedule.group(1), "<rect") == result.units().size(), "schedule drawn");
        for (String view : new String[] {"loss-curves", "parallel-coordinates"}) {
            Matcher svg = Pattern.compile("<svg id=\"" + view + "\"[^>]*>(.*?)</svg>", Pattern.DOTALL).matcher(dom);
            assertTrue(svg.find() && count(svg.group(1), "<polyline") >= 3, view + " drawn");
        }
        assertTrue(dom.contains("class=\"legend\""), "legend rendered");
        runChromium(chromium, tmp, "--screenshot=" + screenshot, "--window-size=1000,2600", file.toUri().toString());
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertTrue(image != null && image.getWidth() == 1000, "a screenshot at " + screenshot);
        int coloured = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y);
                int r = rgb >> 16 & 0xFF;
                int g = rgb >> 8 & 0xFF;
                int b = rgb & 0xFF;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    coloured++; // saturated pixels: chart strokes and bars, not text or background
                }
            }
        }
        assertTrue(coloured > 500, "the charts painted coloured pixels: " + coloured);
    }

    /** Chromium from $CHROMIUM or the PATH; absent, the test fails under CI and is skipped elsewhere. */
    private static String chromium() {
        List<String> candidates = new ArrayList<>();
        if (System.getenv("CHROMIUM") != null) {
            candidates.add(System.getenv("CHROMIUM"));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
                candidates.add(Path.of(dir, name).toString());
            }
        }
        for (String candidate : candidates) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String message = "no headless browser: install Debian's chromium (.ci/run does) or set CHROMIUM";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        assumeTrue(false, message);
        return null;
    }

    private static String runChromium(String chromium, Path tmp, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + tmp.resolve("chromium-profile")));
        command.addAll(List.of(args));
        Path output = tmp.resolve("chromium-" + System.nanoTime() + ".out");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
            .redirectError(tmp.resolve("chromium.err").toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s: " + Files.readString(tmp.resolve("chromium.err")));
        }
        assertEquals(0, process.exitValue(), "chromium failed: " + Files.readString(tmp.resolve("chromium.err")));
        return Files.readString(output);
    }
}
