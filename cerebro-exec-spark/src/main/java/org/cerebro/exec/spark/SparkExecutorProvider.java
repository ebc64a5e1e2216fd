package org.cerebro.exec.spark;

import org.apache.spark.SparkContext;
import org.cerebro.exec.Executor;
import org.cerebro.exec.ExecutorProvider;

/**
 * The "spark" executor kind: the executors of the Spark application this JVM runs in (under
 * {@code spark-submit}, or one the application started), through {@link SparkContext#getOrCreate()}.
 */
public final class SparkExecutorProvider implements ExecutorProvider {
    @Override
    public String name() {
        return "spark";
    }

    @Override
    public Executor create(int workers) {
        return SparkExecutor.on(context()).workers(workers);
    }

    @Override
    public Executor createDefault() {
        return SparkExecutor.on(context());
    }

    private static SparkContext context() {
        try {
            return SparkContext.getOrCreate();
        } catch (RuntimeException e) {
            throw new IllegalStateException("executor=spark needs a Spark application: run under spark-submit, or set"
                + " spark.master (e.g. -Dspark.master=spark://host:7077) and spark.app.name: " + e.getMessage(), e);
        }
    }
}
