package org.cerebro.exec.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's JVM SIGKILLed mid-search on a 2-worker cluster: the workers drop its session
 * and keep serving; the search, run again against its experiment directory, resumes and ends
 * with the fault-free results, no recorded unit run again.
 */
class CoordinatorCrashTest {
    @Test
    void aKilledCoordinatorResumesFromItsExperimentDirectory(@TempDir Path tmp) throws Exception {
        Path data = TestData.dir();
        Path dir = tmp.resolve("experiment");
        try (Dataset train = ClusterFaultTest.train(data); Dataset validation = ClusterFaultTest.validation(data);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 2)) {
            SearchResult faultFree = ClusterFaultTest.search(train, validation, new SequentialExecutor()).run();
            Path log = tmp.resolve("coordinator.log");
            List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Path.of("..", "jvm.options").toAbsolutePath().normalize(),
                "-cp", System.getProperty("java.class.path"), KilledCoordinatorChild.class.getName(),
                data.toString(), dir.toString(), workers.secretFile().toString()));
            command.addAll(List.of(workers.addresses()));
            Process coordinator = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            try {
                while (units(log) < 11) { // not a multiple of the 4 partitions: some trial is mid-epoch
                    assertTrue(coordinator.isAlive(), "coordinator ended early: " + Files.readString(log));
                    assertTrue(System.nanoTime() < deadline, "coordinator too slow: " + Files.readString(log));
                    Thread.sleep(2);
                }
            } finally {
                coordinator.destroyForcibly(); // SIGKILL
                assertTrue(coordinator.waitFor(30, TimeUnit.SECONDS));
            }
            int acknowledged = units(log);
            assertFalse(Files.readString(log).contains("finished"), "killed before the end");
            SearchResult resumed = ClusterFaultTest.search(train, validation,
                ClusterExecutor.connect(workers.addresses()).secret(WorkerProcesses.SECRET)).experimentDir(dir).run();
            assertEquals(faultFree.trials(), resumed.trials(), "the resumed cluster search ends as a fault-free one");
            assertTrue(resumed.unitsRecovered() >= acknowledged, "acknowledged units survive: recovered "
                + resumed.unitsRecovered() + " acknowledged " + acknowledged);
            assertEquals(faultFree.unitsRun(), resumed.unitsRecovered() + resumed.unitsRun(),
                "no recorded unit ran again");
            assertTrue(workers.process(0).isAlive() && workers.process(1).isAlive(), "the workers outlive it");
            System.out.printf("coordinator kill -9: fault-free %d units; acknowledged before the kill %d; recovered %d;"
                + " run after resume %d%n", faultFree.unitsRun(), acknowledged, resumed.unitsRecovered(),
                resumed.unitsRun());
        }
    }

    private static int units(Path log) throws java.io.IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        int n = 0;
        for (String line : Files.readAllLines(log)) {
            n += line.startsWith("unit ") ? 1 : 0;
        }
        return n;
    }
}
