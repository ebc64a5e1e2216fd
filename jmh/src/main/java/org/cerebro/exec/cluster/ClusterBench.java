package org.cerebro.exec.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.exec.Executor;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.jmh.BenchData;
import org.cerebro.plan.Operator;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;

/**
 * A bench harness for the cluster executor (in the cluster's package, to time its frame channel
 * directly). Over loopback on this machine:
 * <ol>
 * <li>hop throughput: frames the size of a trial's complete state (parameters, Adam's two
 * moments: 12 bytes per parameter) for 1M and 10M parameters, sent and echoed back as a unit's
 * request and reply are, in GB/s;</li>
 * <li>partition transfer: two fresh worker JVMs receiving all of MNIST (two partitions) and the
 * validation data, in MB/s, and the same again on their warm work directories;</li>
 * <li>the grid of 8 DJL MLPs for 3 epochs on MNIST, on the 2-worker cluster against
 * {@code LocalExecutor.cpus(2)}, MOP both, the overhead ratio (median of three interleaved
 * rounds).</li>
 * </ol>
 *
 * <pre>
 * java @jvm.options -cp jmh/target/benchmarks.jar org.cerebro.exec.cluster.ClusterBench
 * </pre>
 */
public final class ClusterBench {
    public static final byte[] SECRET = "cerebro-bench-secret-0123456789abcdef".getBytes();

    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        hops(1_000_000, 20);
        hops(10_000_000, 5);
        Path root = Files.createTempDirectory("cerebro-cluster-bench");
        Path secret = Files.write(root.resolve("secret"), SECRET);
        SearchSpace space = SearchSpace.of(HParam.choice("width", 128, 256), HParam.choice("depth", 1, 2),
            HParam.choice("lr", 1e-3, 3e-3), HParam.constant("batch_size", 64));
        List<Process> workers = new ArrayList<>();
        try (Dataset train = BenchData.mnistTrain();
             Dataset test = BenchData.mnistTest()) {
            String[] addresses = {start(workers, root, secret, 0), start(workers, root, secret, 1)};
            List<Double> cluster = new ArrayList<>();
            List<Double> local = new ArrayList<>();
            boolean identical = true;
            for (int round = 0; round < 3; round++) {
                ClusterExecutor executor = ClusterExecutor.connect(addresses).secret(SECRET);
                SearchResult onCluster = run(space, executor, train, test);
                SearchResult onLocal = run(space, LocalExecutor.cpus(2), train, test);
                identical &= onCluster.trials().equals(onLocal.trials());
                System.out.printf(Locale.ROOT, "round %d: data placement %.2f s for %.1f MB (%.0f MB/s)%s;"
                        + " grid on the cluster %.1f s, local %.1f s (%.3f)%n", round + 1,
                    executor.setUpTime().toNanos() / 1e9, executor.bytesSent() / 1e6,
                    executor.bytesSent() / 1e6 / (executor.setUpTime().toNanos() / 1e9),
                    round == 0 ? " to fresh workers" : " to warm workers (nothing to send: hashes match)",
                    seconds(onCluster), seconds(onLocal), seconds(onCluster) / seconds(onLocal));
                cluster.add(seconds(onCluster) - executor.setUpTime().toNanos() / 1e9);
                local.add(seconds(onLocal));
            }
            System.out.printf(Locale.ROOT, "grid 8 x 3 epochs, MOP: 2-worker cluster %.1f s (after data placement) vs"
                + " LocalExecutor.cpus(2) %.1f s: overhead %.3f (median; target <= 1.15); per-trial results identical: %s%n",
                median(cluster), median(local), median(cluster) / median(local), identical);
        } finally {
            for (Process worker : workers) {
                worker.destroy();
                if (!worker.waitFor(30, TimeUnit.SECONDS)) {
                    worker.destroyForcibly();
                }
            }
        }
    }

    private static SearchResult run(SearchSpace space, Executor executor, Dataset train, Dataset test) {
        return Cerebro.search(space).trainable(new DjlTrainable(Zoo.mlp())).data(train, test).strategy(Strategy.grid(3))
            .objective(Objective.maximize("accuracy")).seed(1).partitions(2).executor(executor)
            .operator(Operator.MOP).progress(false).run();
    }

    /**
     * Sends {@code rounds} units carrying a state of {@code parameters} float parameters (and Adam's
     * two moments) and has each echoed back as a reply with the state, over a session-keyed
     * connection (every frame tagged); prints GB/s.
     */
    private static void hops(int parameters, int rounds) throws Exception {
        byte[] state = new byte[parameters * 12];
        new java.util.Random(1).nextBytes(state);
        byte[] toWorker = "coordinator-to-worker-key-012345".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] toCoordinator = "worker-to-coordinator-key-012345".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        org.cerebro.space.Config config = org.cerebro.space.Config.of(java.util.Map.of("lr", 0.01));
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept();
             FrameChannel coordinator = new FrameChannel(client, null, 60_000);
             FrameChannel worker = new FrameChannel(accepted, null, 60_000)) {
            coordinator.authenticate(toWorker, toCoordinator);
            worker.authenticate(toCoordinator, toWorker);
            Thread echo = new Thread(() -> {
                try {
                    for (int i = 0; i < rounds + 2; i++) {
                        Frame frame = worker.read(Integer.MAX_VALUE - 8, 60_000);
                        Message.TrainUnit unit = (Message.TrainUnit) Message.decode(frame, ClusterBench.class.getClassLoader());
                        worker.write(new Message.UnitDone(unit.trialId(), unit.epoch(), unit.partition(),
                            Message.Outcome.TRAINED, 0.5, null, "", unit.state(), 0), frame.correlation());
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            echo.start();
            for (int i = 0; i < 2; i++) { // warm-up
                coordinator.write(new Message.TrainUnit(0, 1, 0, false, 0, config, state), i);
                coordinator.read(Integer.MAX_VALUE - 8, 60_000);
            }
            long start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                coordinator.write(new Message.TrainUnit(0, 1, 0, false, 0, config, state), i);
                coordinator.read(Integer.MAX_VALUE - 8, 60_000);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            echo.join();
            System.out.printf(Locale.ROOT, "hop of a %,d-parameter state (%.0f MB): %.1f ms there and back, %.2f GB/s%n",
                parameters, state.length / 1e6, seconds / rounds * 1e3, 2.0 * state.length * rounds / seconds / 1e9);
        }
    }

    /** Starts a worker JVM (one training thread) on a free loopback port; returns its address. */
    public static String start(List<Process> workers, Path root, Path secret, int index) throws Exception {
        Path log = root.resolve("worker-" + index + ".log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), WorkerDaemon.class.getName(),
            "--listen", "127.0.0.1:0", "--secret-file", secret.toString(), "--work-dir",
            root.resolve("work-" + index).toString(), "--threads", "1")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        workers.add(process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            String output = Files.readString(log);
            int at = output.indexOf("cerebro worker listening on ");
            if (at >= 0 && output.indexOf('\n', at) > 0) {
                return output.substring(at + "cerebro worker listening on ".length(), output.indexOf('\n', at)).trim();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("worker " + index + " did not start: " + Files.readString(log));
    }

    private static double seconds(SearchResult result) {
        return result.elapsed().toNanos() / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
