package org.cerebro.exec.spark;

import org.cerebro.plan.Operator;

/**
 * The Spark executor under task parallelism (every executor holds every partition, whole trials
 * per executor) passes the executor contract on a real local cluster (its own, started and stopped
 * by the lifecycle methods it inherits).
 */
class SparkExecutorTaskParallelContractTest extends SparkExecutorContractTest {
    @Override
    protected Operator operator() {
        return Operator.TASK_PARALLEL;
    }
}
