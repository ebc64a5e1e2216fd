package org.cerebro.exec.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM runs an MNIST search with an experiment directory and is killed with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux: kill -9) mid-run, twice; the search then resumes in
 * this JVM. No acknowledged unit is lost, no recorded unit runs again, and the final results
 * equal an uninterrupted run's.
 */
class KillAndResumeTest {
    @Test
    void aSearchKilledTwiceMidEpochResumesToTheUninterruptedResults(@TempDir Path tmp) throws Exception {
        killTwiceAndResume(tmp, KilledSearchChild::search, "hyperband");
    }

    @Test
    void populationBasedTrainingKilledTwiceResumesToTheUninterruptedResults(@TempDir Path tmp) throws Exception {
        // 6 trials x 4 partitions: epoch 1 ends at 24 units, so the first kill (27) falls after the first
        // takeovers were recorded, the second 2 units into the resumed run
        killTwiceAndResume(tmp, KilledSearchChild::pbt, "pbt");
    }

    private static void killTwiceAndResume(Path tmp, BiFunction<Dataset, Dataset, SearchBuilder> search, String which)
        throws Exception {
        Path data = TestData.dir();
        Path dir = tmp.resolve("experiment");
        boolean pbt = which.equals("pbt");
        try (Dataset train = KilledSearchChild.train(data); Dataset validation = KilledSearchChild.validation(data)) {
            SearchResult uninterrupted = search.apply(train, validation).run();
            long total = uninterrupted.unitsRun();

            // 9, 13 and 27 are not multiples of the 4 partitions: some trial is always mid-epoch at the kill
            int firstSeen = runAndKill(data, dir, tmp.resolve("child-1.log"), pbt ? 27 : 9, which);
            int secondSeen = runAndKill(data, dir, tmp.resolve("child-2.log"), pbt ? 2 : 13, which);

            SearchResult resumed = search.apply(train, validation).experimentDir(dir).run();
            assertEquals(uninterrupted.trials(), resumed.trials(), "final results equal the uninterrupted run's");
            long recovered = resumed.unitsRecovered();
            // every unit the children acknowledged (printed after it was durable) survived both kills
            assertTrue(recovered >= firstSeen + secondSeen, "recovered " + recovered + " acknowledged "
                + firstSeen + " + " + secondSeen);
            // what the kills lost is at most the units in flight: one per worker per kill
            assertTrue(recovered <= firstSeen + secondSeen + 2L * KilledSearchChild.WORKERS, "recovered " + recovered);
            // recorded units never run again: units run over all runs = uninterrupted + those lost in flight
            assertEquals(total, recovered + resumed.unitsRun(), "recovered " + recovered + " + run "
                + resumed.unitsRun());
            System.out.printf("%s, kill -9 twice: uninterrupted %d units; acknowledged before the kills %d + %d;"
                + " recovered %d; run after resume %d%n", which, total, firstSeen, secondSeen, recovered,
                resumed.unitsRun());
        }
    }

    /**
     * Starts the child on {@code dir}, waits until it has printed {@code units} durable units and
     * kills it at once; returns the units it printed before it died. Fails if it finished first.
     */
    private static int runAndKill(Path data, Path dir, Path log, int units, String which) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + Path.of("..", "jvm.options").toAbsolutePath().normalize());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KilledSearchChild.class.getName());
        command.add(data.toString());
        command.add(dir.toString());
        command.add(which);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try {
            while (countUnits(log) < units) {
                assertTrue(child.isAlive(), "child ended before " + units + " units: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "child too slow: " + Files.readString(log));
                Thread.sleep(2);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks, no flush
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        String output = Files.readString(log);
        assertFalse(output.contains("finished"), "the kill came after the search ended: " + output);
        return countUnits(log);
    }

    private static int countUnits(Path log) throws java.io.IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        int count = 0;
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("unit ")) {
                count++;
            }
        }
        return count;
    }
}
