package org.cerebro.exec.spark;

import org.apache.spark.SparkContext;

/** A real two-executor Spark cluster on this machine for a test class ({@link SparkOnOneMachine}). */
final class LocalSparkCluster {
    private LocalSparkCluster() {
    }

    /** A new cluster; stop it in the test class's {@code @AfterAll} (one Spark context per JVM at a time). */
    static SparkContext start(String name) {
        return new SparkContext(SparkOnOneMachine.localCluster(name, 2));
    }
}
