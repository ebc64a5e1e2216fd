package org.cerebro.exec.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker JVM stops gracefully on SIGTERM and says so in its log. */
class WorkerShutdownTest {
    @Test
    void sigtermStopsAWorkerGracefully(@TempDir Path tmp) throws Exception {
        try (WorkerProcesses workers = WorkerProcesses.start(tmp, 1)) {
            Process process = workers.process(0);
            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "exited");
            assertEquals(143, process.exitValue(), "exit status of a JVM ended by SIGTERM (128 + 15)");
            String log = workers.log(0);
            assertTrue(log.contains("shutting down") && log.contains("stopped"), log);
        }
    }
}
