package org.cerebro.examples;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.cerebro.exec.spark.SparkExecutor;
import org.cerebro.exec.spark.SparkOnOneMachine;

/**
 * A search on Spark: by default a real two-executor cluster on this machine
 * ({@code local-cluster[2,1,1024]}: a Master and two Workers in this JVM, two executor JVMs),
 * or the cluster at {@code --master URL}. The MNIST grid of {@link ClusterExample} (DJL MLPs)
 * runs with {@link SparkExecutor}: the partitions are placed on the executors once, each unit is
 * one Spark job on the executor holding its partition.
 *
 * <pre>
 * mvn -B -q -Pspark-example -DskipTests package -pl cerebro-examples -am [-Dmain.args="--epochs 2"]
 * SPARK_HOME=DIR java @jvm.options @cerebro-exec-spark/spark.options -cp ... org.cerebro.examples.SparkExample
 *     [--master spark://host:7077] [--workers 2] [--strategy grid] [--epochs 2] [--train-records 12000]
 *     [--seed 4] [--data DIR] [--experiment-dir DIR] [--report FILE.html] [--summary-json FILE]
 * </pre>
 */
public final class SparkExample {
    private SparkExample() {
    }

    public static void main(String[] args) throws Exception {
        ExampleRun run = new ExampleRun(args, "train-records", "master");
        String master = run.options.get("master", "local-cluster");
        int workers = run.options.getInt("workers", 2);
        SparkConf conf = master.equals("local-cluster") ? SparkOnOneMachine.localCluster("cerebro-spark-example", workers)
            : new SparkConf().setMaster(master).setAppName("cerebro-spark-example")
                .set("spark.executor.extraJavaOptions", SparkExecutor.executorJavaOptions());
        try (Mnist data = new Mnist(run.mnistData(), run.options.getInt("train-records", 12_000), 4)) {
            SparkContext spark = new SparkContext(conf);
            try {
                SparkExecutor executor = SparkExecutor.on(spark).workers(workers);
                run.run(ClusterExample.grid(run, data, executor).build());
                System.out.printf("data placement on %d executors: %.2f s; partitions reloaded after placement: %d%n",
                    workers, executor.placementTime().toNanos() / 1e9, executor.tablesReloaded());
            } finally {
                spark.stop();
            }
        }
    }
}
