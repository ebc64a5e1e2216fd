package org.cerebro.exec.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real worker daemons in child JVMs on 127.0.0.1, started and stopped by the tests: each on a
 * free port ({@code --listen 127.0.0.1:0}), with its own work directory and log file. Closing
 * sends SIGTERM (a graceful shutdown) and, if a worker has not exited in 20 s, SIGKILL: no test
 * leaves a process behind.
 */
final class WorkerProcesses implements AutoCloseable {
    static final byte[] SECRET = "cerebro-test-secret-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final Path root;
    private final Path secretFile;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final List<Path> workDirs = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    WorkerProcesses(Path root) throws IOException {
        this.root = root;
        this.secretFile = Files.write(root.resolve("secret"), SECRET);
    }

    /** Starts {@code n} workers and waits until each listens. */
    static WorkerProcesses start(Path root, int n) throws IOException, InterruptedException {
        WorkerProcesses workers = new WorkerProcesses(root);
        try {
            for (int i = 0; i < n; i++) {
                workers.startOne(root.resolve("worker-" + i));
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            workers.close();
            throw e;
        }
        return workers;
    }

    /** Starts a worker on {@code workDir} (a restarted worker reuses its old one); returns its index. */
    int startOne(Path workDir) throws IOException, InterruptedException {
        return startOne(workDir, "127.0.0.1:0");
    }

    /** Starts a worker listening on {@code listen} with {@code options} added to its command line. */
    int startOne(Path workDir, String listen, String... options) throws IOException, InterruptedException {
        int index = processes.size();
        Path log = root.resolve("worker-" + index + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), // no JVM flags: a worker needs none
            "-Xmx1g", "-cp", System.getProperty("java.class.path"), WorkerDaemon.class.getName(),
            "--listen", listen, "--secret-file", secretFile.toString(), "--work-dir", workDir.toString(),
            "--threads", "1"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        workDirs.add(workDir);
        logs.add(log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String output = Files.exists(log) ? Files.readString(log) : "";
            int at = output.indexOf("cerebro worker listening on ");
            if (at >= 0 && output.indexOf('\n', at) > 0) {
                addresses.add(output.substring(at + "cerebro worker listening on ".length(), output.indexOf('\n', at))
                    .trim());
                return index;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("worker did not start: " + output);
            }
            Thread.sleep(20);
        }
    }

    String[] addresses() {
        return addresses.toArray(String[]::new);
    }

    String address(int index) {
        return addresses.get(index);
    }

    Path workDir(int index) {
        return workDirs.get(index);
    }

    Process process(int index) {
        return processes.get(index);
    }

    String log(int index) throws IOException {
        return Files.readString(logs.get(index));
    }

    Path secretFile() {
        return secretFile;
    }

    /** Sends {@code signal} ({@code STOP}, {@code CONT}, {@code TERM}...) to process {@code pid} with kill(1). */
    static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: no shutdown hook runs, the sockets just die. */
    void kill(int index) throws InterruptedException {
        processes.get(index).destroyForcibly();
        processes.get(index).waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroy(); // SIGTERM: the worker shuts down gracefully
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(20, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
