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
            SearchResult resumed;
            try {
                resumed = ClusterFaultTest.search(train, validation,
                    ClusterExecutor.connect(workers.addresses()).secret(WorkerProcesses.SECRET)).experimentDir(dir).run();
            } catch (RuntimeException e) {
                throw new AssertionError("the resumed search failed; worker 0 alive=" + workers.process(0).isAlive()
                    + ", worker 1 alive=" + workers.process(1).isAlive() + "\nworker 0 log:\n" + workers.log(0)
                    + "\nworker 1 log:\n" + workers.log(1) + "\ncoordinator log:\n" + Files.readString(log), e);
            }
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

    @Test
    void aCoordinatorKilledMidUnitLeavesItsWorkerServing(@TempDir Path tmp) throws Exception {
        // the session ends (its peer is gone) while its unit still trains: the worker must not close
        // the partitions the unit reads (it did: a unit reading after it failed, and one reading at
        // that moment took the worker down with SIGSEGV in Dataset.copyFeatures)
        Path data = TestData.dir();
        try (Dataset train = ClusterFaultTest.train(data); Dataset validation = ClusterFaultTest.validation(data);
             WorkerProcesses workers = WorkerProcesses.start(tmp, 1)) {
            Path log = tmp.resolve("coordinator.log");
            Process coordinator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Path.of("..", "jvm.options").toAbsolutePath().normalize(), "-Dcerebro.test.slow=true",
                "-cp", System.getProperty("java.class.path"), KilledCoordinatorChild.class.getName(), data.toString(),
                tmp.resolve("experiment").toString(), workers.secretFile().toString(), workers.addresses()[0])
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            try {
                while (units(log) < 1) {
                    assertTrue(coordinator.isAlive(), "coordinator ended early: " + Files.readString(log));
                    assertTrue(System.nanoTime() < deadline, "coordinator too slow: " + Files.readString(log));
                    Thread.sleep(2);
                }
                Thread.sleep(150); // the next unit sleeps its 400 ms before it reads its partition
            } finally {
                coordinator.destroyForcibly(); // SIGKILL
                assertTrue(coordinator.waitFor(30, TimeUnit.SECONDS));
            }
            Thread.sleep(1_000); // the unit in flight reads its partition and ends
            assertTrue(workers.process(0).isAlive(), "the worker died:\n" + workers.log(0));
            assertFalse(workers.log(0).contains(WatchedSlowMlp.CLOSED), workers.log(0));
            SearchResult next = ClusterFaultTest.search(train, validation,
                ClusterExecutor.connect(workers.addresses()).secret(WorkerProcesses.SECRET)).run();
            assertEquals(ClusterFaultTest.search(train, validation, new SequentialExecutor()).run().trials(),
                next.trials(), "the worker serves the next coordinator");
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
