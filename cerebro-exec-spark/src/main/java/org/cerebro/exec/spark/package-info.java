/**
 * The Spark executor: model hopper parallelism on the executors of an existing Spark application,
 * one Spark job per unit, partitions resident in each executor, recovery per unit.
 */
package org.cerebro.exec.spark;
