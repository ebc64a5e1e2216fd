package org.cerebro.exec.spark;

import org.apache.spark.SparkContext;
import org.cerebro.exec.Executor;
import org.cerebro.exec.ExecutorContract;
import org.cerebro.plan.Operator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Spark executor under task parallelism (every executor holds every partition, whole trials
 * per executor) passes the executor contract on a real local cluster.
 */
class SparkExecutorTaskParallelContractTest extends ExecutorContract {
    private static SparkContext spark;

    @BeforeAll
    static void cluster() {
        spark = LocalSparkCluster.start("cerebro-contract-task-parallel");
    }

    @AfterAll
    static void stopCluster() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Override
    protected Operator operator() {
        return Operator.TASK_PARALLEL;
    }

    @Override
    protected Executor newExecutor(int workers) {
        return SparkExecutor.on(spark).workers(Math.min(workers, 2));
    }
}
