package org.cerebro.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchListener;
import org.cerebro.data.Dataset;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.junit.jupiter.api.Test;

/** The progress line and the listener events it is built on. */
class ProgressTest {

    @Test
    void theProgressLineCountsEpochsRunningTrialsBestAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress progress = new Progress(out::println, () -> clock.addAndGet(500_000_000L), 0, false); // each call: +0.5 s
        List<String> events = new ArrayList<>();
        try (Dataset train = MlpTrainableTest.blobs(300, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.01, 0.1), HParam.choice("hidden", 0, 4)))
                .trainable(new MlpTrainable()).data(train, validation).strategy(Strategy.grid(3))
                .objective(Objective.maximize("accuracy")).progress(false)
                .listener(progress)
                .listener(new SearchListener() {
                    @Override
                    public void searchStarted(String summary, long plannedEpochs) {
                        events.add("started " + plannedEpochs);
                    }

                    @Override
                    public void trialStopped(int trialId, int epochs) {
                        events.add("stopped " + trialId + "@" + epochs);
                    }

                    @Override
                    public void bestSoFar(int trialId, int epoch, double score) {
                        events.add("best");
                    }
                })
                .run();
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        String[] lines = output.split("\n");
        assertEquals(12 + 1, lines.length, "a line per unit (one partition: one per epoch) and a last one: " + output);
        assertTrue(lines[0].contains("1/12 units, 0/12 epochs, 1 trials running, best score -"), lines[0]);
        assertTrue(lines[1].contains("2/12 units, 1/12 epochs, 1 trials running, best score 0."), lines[1]);
        assertTrue(lines[1].matches(".*ETA \\d+\\.\\d s"), lines[1]);
        String last = lines[lines.length - 1];
        assertTrue(last.contains("finished: 4 trials (4 completed, 0 stopped early, 0 failed), 12 epochs, 12 units;"
            + " best accuracy 0."), "the last line says how the search ended: " + output);
        assertTrue(!last.contains("running") && !last.contains("ETA"), last);
        assertEquals("started 12", events.get(0));
        assertEquals(4, events.stream().filter(e -> e.startsWith("stopped ")).count());
        assertTrue(events.contains("stopped 3@3"));
        assertTrue(events.stream().filter("best"::equals).count() >= 1);
    }

    @Test
    void theLogSinkStaysQuietForAShortSearchAndWritesAtMostOncePerInterval() {
        List<String> lines = new ArrayList<>();
        AtomicLong clock = new AtomicLong();
        try (Dataset train = MlpTrainableTest.blobs(300, 1); Dataset validation = MlpTrainableTest.blobs(100, 2)) {
            // a short search: nothing at all
            Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.01, 0.1))).trainable(new MlpTrainable())
                .data(train, validation).strategy(Strategy.grid(3)).objective(Objective.maximize("accuracy"))
                .progress(false).listener(new Progress(lines::add, clock::get, 10_000_000_000L, true)).run();
            assertEquals(List.of(), lines);
            // a long one (each unit advances the clock by 4 s): a line every 10 s and a closing line
            Cerebro.search(SearchSpace.of(HParam.choice("lr", 0.01, 0.1))).trainable(new MlpTrainable())
                .data(train, validation).strategy(Strategy.grid(3)).objective(Objective.maximize("accuracy"))
                .progress(false).listener(new Progress(lines::add, () -> clock.addAndGet(4_000_000_000L),
                    10_000_000_000L, true)).run();
        }
        assertTrue(lines.size() >= 2 && lines.size() <= 4, "6 units x 4 s: a line at most every 10 s, and the last: "
            + lines);
        assertTrue(lines.get(lines.size() - 1).contains("finished: 2 trials"), lines.toString());
    }
}
