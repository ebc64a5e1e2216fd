package org.cerebro.exec.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchListener;
import org.cerebro.SearchResult;
import org.cerebro.data.Dataset;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.exec.Executor;
import org.cerebro.exec.UnitRecord;
import org.cerebro.exec.cluster.ClusterBench;
import org.cerebro.exec.cluster.ClusterExecutor;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.jmh.BenchData;
import org.cerebro.plan.Operator;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * The Spark executor on a real {@code local-cluster[2,1,1024]} (two executor JVMs sharing this
 * machine's cores with the driver), against {@code LocalExecutor.cpus(2)} and the TCP cluster of two
 * worker JVMs, in one run:
 * <ul>
 * <li>per-unit overhead: 64 empty units (a trainable that does nothing), on Spark and on the local
 * executor;</li>
 * <li>the grid of 8 DJL MLPs for 3 epochs on all of MNIST, MOP, 2 partitions, after data placement,
 * two interleaved rounds; whether per-trial results are identical;</li>
 * <li>recovery: the same grid with one executor killed (SIGKILL) after 12 units, against the
 * fault-free Spark run.</li>
 * </ul>
 *
 * <pre>
 * mvn -B -Pbench -DskipTests package   (and mvn -B verify -pl cerebro-exec-spark -am once, for its Spark home)
 * SPARK_HOME=cerebro-exec-spark/target/spark-home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 \
 *   java @cerebro-exec-spark/spark.options @jvm.options \
 *   -cp "jmh/target/benchmarks.jar:cerebro-exec-spark/target/spark-home/jars/*" org.cerebro.exec.spark.SparkBench
 * </pre>
 */
public final class SparkBench {
    private SparkBench() {
    }

    public static void main(String[] args) throws Exception {
        SparkContext spark = new SparkContext(SparkOnOneMachine.localCluster("cerebro-bench", 2));
        Path root = Files.createTempDirectory("cerebro-spark-bench");
        List<Process> workers = new ArrayList<>();
        try (Dataset train = BenchData.mnistTrain();
             Dataset test = BenchData.mnistTest()) {
            emptyUnits(spark, train.head(2_000), test.head(500));

            Path secret = Files.write(root.resolve("secret"), "cerebro-bench-secret-0123456789abcdef".getBytes());
            String[] addresses = {ClusterBench.start(workers, root, secret, 0), ClusterBench.start(workers, root, secret, 1)};
            List<Double> onSpark = new ArrayList<>();
            List<Double> onLocal = new ArrayList<>();
            List<Double> onCluster = new ArrayList<>();
            boolean identical = true;
            List<org.cerebro.TrialResult> reference = null;
            for (int round = 0; round < 2; round++) {
                SparkExecutor executor = SparkExecutor.on(spark).workers(2);
                long cpu = driverCpuNanos();
                SearchResult sparkRun = grid(train, test, executor, null);
                double sparkDriverCpu = (driverCpuNanos() - cpu) / 1e9;
                double sparkSeconds = seconds(sparkRun) - executor.placementTime().toNanos() / 1e9;
                SearchResult localRun = grid(train, test, LocalExecutor.cpus(2), null);
                reference = localRun.trials();
                ClusterExecutor cluster = ClusterExecutor.connect(addresses).secretFile(secret);
                cpu = driverCpuNanos();
                SearchResult clusterRun = grid(train, test, cluster, null);
                double clusterDriverCpu = (driverCpuNanos() - cpu) / 1e9;
                double clusterSeconds = seconds(clusterRun) - cluster.setUpTime().toNanos() / 1e9;
                identical &= sparkRun.trials().equals(localRun.trials()) && clusterRun.trials().equals(localRun.trials());
                System.out.printf(Locale.ROOT, "round %d: placement on Spark %.2f s, on the cluster %.2f s; grid after"
                        + " placement: Spark %.1f s, local %.1f s, cluster %.1f s (Spark/local %.3f, cluster/local %.3f);"
                        + " CPU of this JVM (driver, Master, Workers; coordinator) during the run: Spark %.1f s,"
                        + " cluster %.1f s; units Spark ran away from their executor: %d; of the units' %.1f s, %.1f s"
                        + " in the executors, %.0f ms per unit Spark's%n",
                    round + 1, executor.placementTime().toNanos() / 1e9, cluster.setUpTime().toNanos() / 1e9,
                    sparkSeconds, seconds(localRun), clusterSeconds, sparkSeconds / seconds(localRun),
                    clusterSeconds / seconds(localRun), sparkDriverCpu, clusterDriverCpu, executor.unitsAway(),
                    executor.timeInUnits().toNanos() / 1e9, executor.timeInExecutors().toNanos() / 1e9,
                    (executor.timeInUnits().toNanos() - executor.timeInExecutors().toNanos()) / 1e6 / sparkRun.unitsRun());
                onSpark.add(sparkSeconds);
                onLocal.add(seconds(localRun));
                onCluster.add(clusterSeconds);
            }
            System.out.printf(Locale.ROOT, "grid 8 x 3 epochs, MOP, after data placement (best of 2): Spark %.1f s,"
                    + " local %.1f s, cluster %.1f s: Spark/local %.3f (target <= 1.25), cluster/local %.3f;"
                    + " per-trial results identical: %s%n", min(onSpark), min(onLocal), min(onCluster),
                min(onSpark) / min(onLocal), min(onCluster) / min(onLocal), identical);

            SparkExecutor executor = SparkExecutor.on(spark).workers(2);
            
            SearchResult faulty = grid(train, test, executor, new SearchListener() {
                final AtomicInteger units = new AtomicInteger();

                @Override
                public void unitDone(UnitRecord unit, int partitions) {
                    if (units.incrementAndGet() == 12) {
                        executorProcess(spark, unit.worker() == 0 ? "1" : "0").destroyForcibly(); // mid-unit
                    }
                }
            });
            double faultySeconds = seconds(faulty) - executor.placementTime().toNanos() / 1e9;
            System.out.printf(Locale.ROOT, "one executor killed after 12 of 48 units: grid %.1f s vs %.1f s fault-free"
                    + " (+%.1f s); %d partition(s) reloaded; results equal the fault-free run's: %s%n", faultySeconds,
                min(onSpark), faultySeconds - min(onSpark), executor.tablesReloaded(),
                faulty.trials().equals(reference));
        } finally {
            spark.stop();
            for (Process worker : workers) {
                worker.destroy();
                if (!worker.waitFor(30, TimeUnit.SECONDS)) {
                    worker.destroyForcibly();
                }
            }
        }
    }

    /** 64 units that do nothing: the per-unit cost of a Spark job against a local worker's. */
    private static void emptyUnits(SparkContext spark, Dataset train, Dataset validation) {
        SearchSpace space = SearchSpace.of(HParam.choice("n", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
        double[] seconds = new double[2];
        for (int round = 0; round < 2; round++) { // the first round warms both up
            SparkExecutor executor = SparkExecutor.on(spark).workers(2);
            SearchResult onSpark = Cerebro.search(space).trainable(new Empty()).data(train, validation)
                .strategy(Strategy.grid(2)).objective(Objective.maximize("accuracy")).partitions(2).executor(executor)
                .operator(Operator.MOP).progress(false).run();
            SearchResult onLocal = Cerebro.search(space).trainable(new Empty()).data(train, validation)
                .strategy(Strategy.grid(2)).objective(Objective.maximize("accuracy")).partitions(2)
                .executor(LocalExecutor.cpus(2)).operator(Operator.MOP).progress(false).run();
            seconds[0] = seconds(onSpark) - executor.placementTime().toNanos() / 1e9;
            seconds[1] = seconds(onLocal);
        }
        System.out.printf(Locale.ROOT, "empty units: 64 on 2 Spark executors %.2f s (%.1f ms per unit per worker),"
            + " on LocalExecutor.cpus(2) %.3f s (%.2f ms)%n", seconds[0], seconds[0] / 32 * 1e3, seconds[1],
            seconds[1] / 32 * 1e3);
    }

    private static SearchResult grid(Dataset train, Dataset test, Executor executor, SearchListener listener) {
        SearchSpace space = SearchSpace.of(HParam.choice("width", 128, 256), HParam.choice("depth", 1, 2),
            HParam.choice("lr", 1e-3, 3e-3), HParam.constant("batch_size", 64));
        var builder = Cerebro.search(space).trainable(new DjlTrainable(Zoo.mlp())).data(train, test)
            .strategy(Strategy.grid(3)).objective(Objective.maximize("accuracy")).seed(1).partitions(2)
            .executor(executor).operator(Operator.MOP).progress(false);
        return (listener == null ? builder : builder.listener(listener)).run();
    }

    /** The JVM of executor {@code id} of this application (Linux: its whole command line from /proc). */
    static ProcessHandle executorProcess(SparkContext spark, String id) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                String line = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
                return line.contains("CoarseGrainedExecutorBackend") && line.contains(spark.applicationId())
                    && line.contains("--executor-id " + id + " ");
            } catch (java.io.IOException e) {
                return false;
            }
        }).findFirst().orElseThrow(() -> new IllegalStateException("no JVM runs executor " + id));
    }

    private static long driverCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    private static double seconds(SearchResult result) {
        return result.elapsed().toNanos() / 1e9;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /** A trainable whose units do nothing: what remains is the executor's cost per unit. */
    public static final class Empty implements Trainable {
        @Override
        public String name() {
            return "empty";
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            return new Nothing();
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            return new Nothing();
        }
    }

    private static final class Nothing implements TrainableState {
        @Override
        public double trainPass(Dataset partition) {
            return 0.5;
        }

        @Override
        public Metrics evaluate(Dataset validation) {
            return Metrics.of(0.5, 0.5);
        }

        @Override
        public byte[] toBytes() {
            return new byte[16];
        }

        @Override
        public void close() {
        }
    }
}
