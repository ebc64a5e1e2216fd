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
class ConsoleProgressTest {

    @Test
    void theProgressLineCountsEpochsRunningTrialsBestAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
            () -> clock.addAndGet(500_000_000L), 0); // every call advances half a second
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
        assertTrue(lines[0].startsWith("search: grid(epochs=3)"), output);
        assertEquals(1 + 12 + 1, lines.length, "a line per unit (one partition: one per epoch) and a last one: "
            + output);
        assertTrue(lines[1].contains("1/12 units, 0/12 epochs, 1 trials open, best score -"), lines[1]);
        assertTrue(lines[2].contains("2/12 units, 1/12 epochs, 1 trials open, best score 0."), lines[2]);
        assertTrue(lines[2].matches(".*ETA \\d+ s"), lines[2]);
        assertTrue(lines[lines.length - 1].contains("12/12 units, 12/12 epochs, 0 trials open"), output);
        assertTrue(lines[lines.length - 1].endsWith("ETA -"), output);
        assertEquals("started 12", events.get(0));
        assertEquals(4, events.stream().filter(e -> e.startsWith("stopped ")).count());
        assertTrue(events.contains("stopped 3@3"));
        assertTrue(events.stream().filter("best"::equals).count() >= 1);
    }
}
