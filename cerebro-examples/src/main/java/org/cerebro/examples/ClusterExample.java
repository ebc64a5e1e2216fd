package org.cerebro.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.exec.Executor;
import org.cerebro.exec.cluster.ClusterExecutor;
import org.cerebro.exec.cluster.WorkerDaemon;
import org.cerebro.jvm.JvmFlags;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;

/**
 * A cluster on this machine: starts two worker daemons as separate JVMs on 127.0.0.1 (what
 * {@code java -jar cerebro-worker.jar --listen ... --secret-file ... --work-dir ...} does on real
 * hosts) with a fresh random secret, runs a search on them with {@link ClusterExecutor}, and stops
 * them (SIGTERM: a graceful shutdown). The data is streamed to the workers once; a second run on the
 * same work directories ({@code --work-dir}) sends nothing.
 *
 * <pre>
 * java @jvm.options -cp ... org.cerebro.examples.ClusterExample [--strategy grid] [--epochs 2]
 *     [--train-records 12000] [--work-dir DIR] [--seed 4] [--data DIR] [--experiment-dir DIR]
 *     [--report FILE.html] [--summary-json FILE]
 * </pre>
 */
public final class ClusterExample {
    private ClusterExample() {
    }

    public static void main(String[] args) throws Exception {
        ExampleRun run = new ExampleRun(args, java.util.Set.of("workers"), "train-records", "work-dir");
        Path dataDir = run.mnistData();
        Path workDir = run.options.get("work-dir") != null ? Path.of(run.options.get("work-dir"))
            : Files.createTempDirectory("cerebro-cluster-example");
        byte[] secret = Base64.getEncoder().encode(SecureRandom.getInstanceStrong().generateSeed(24));
        Path secretFile = Files.write(workDir.resolve("secret"), secret);
        List<Process> workers = new ArrayList<>();
        try (Mnist data = new Mnist(dataDir, run.options.getInt("train-records", 12_000), 4)) {
            String[] addresses = {startWorker(workers, workDir, secretFile, 0), startWorker(workers, workDir, secretFile, 1)};
            System.out.println("workers: " + String.join(", ", addresses));
            ClusterExecutor cluster = ClusterExecutor.connect(addresses).secretFile(secretFile);
            run.run(grid(run, data, cluster).build());
            System.out.printf("data placement: %.1f MB sent in %.2f s%n", cluster.bytesSent() / 1e6,
                cluster.setUpTime().toNanos() / 1e9);
        } finally {
            for (Process worker : workers) {
                worker.destroy(); // SIGTERM
            }
            for (Process worker : workers) {
                if (!worker.waitFor(30, TimeUnit.SECONDS)) {
                    worker.destroyForcibly();
                }
            }
        }
    }

    /**
     * The search this example and {@link SparkExample} run on their executors: a grid of DJL MLPs
     * (width 64/256, learning rate 1e-3/3e-3) on MNIST, 2 epochs unless the options say otherwise.
     */
    static SearchBuilder grid(ExampleRun run, Mnist data, Executor executor) {
        SearchSpace space = SearchSpace.of(
            HParam.choice("width", 64, 256),
            HParam.choice("lr", 1e-3, 3e-3),
            HParam.constant("batch_size", 64));
        return run.configure(Cerebro.search(space)
            .trainable(new DjlTrainable(Zoo.mlp()))
            .data(data.train(), data.validation())
            .test(data.test())
            .strategy(run.strategy("grid", run.epochs(2), run.trials(4)))
            .objective(Objective.maximize("accuracy")), 4, null, executor);
    }

    /** Starts a worker JVM on a free loopback port; returns its address once it listens. */
    private static String startWorker(List<Process> workers, Path workDir, Path secretFile, int index)
        throws IOException, InterruptedException {
        Path log = workDir.resolve("worker-" + index + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.required());
        command.addAll(List.of("-Dchronicle.analytics.disable=true", "-Dai.djl.offline=true",
            "-cp", System.getProperty("java.class.path"), WorkerDaemon.class.getName(),
            "--listen", "127.0.0.1:0", "--secret-file", secretFile.toString(),
            "--work-dir", workDir.resolve("worker-" + index).toString(), "--threads", "1"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        workers.add(process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (process.isAlive() && System.nanoTime() < deadline) {
            String output = Files.readString(log);
            int at = output.indexOf("cerebro worker listening on ");
            if (at >= 0 && output.indexOf('\n', at) > 0) {
                return output.substring(at + "cerebro worker listening on ".length(), output.indexOf('\n', at)).trim();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("worker " + index + " did not start; its log " + log + ":\n"
            + Files.readString(log));
    }
}
