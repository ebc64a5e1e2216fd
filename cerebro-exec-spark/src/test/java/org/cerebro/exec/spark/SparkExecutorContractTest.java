package org.cerebro.exec.spark;

import org.apache.spark.SparkContext;
import org.cerebro.exec.Executor;
import org.cerebro.exec.ExecutorContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Spark executor on a real local cluster (two executor JVMs) passes the executor contract. */
class SparkExecutorContractTest extends ExecutorContract {
    private static SparkContext spark;

    @AfterAll
    static void stopCluster() {
        if (spark != null) {
            spark.stop();
        }
    }

    @BeforeAll
    static void cluster() {
        spark = LocalSparkCluster.start("cerebro-contract");
    }

    @Override
    protected Executor newExecutor(int workers) {
        return SparkExecutor.on(spark).workers(Math.min(workers, 2));
    }
}
