/**
 * The TCP cluster executor: {@link org.cerebro.exec.cluster.ClusterExecutor} (the coordinator, in
 * the user's JVM), {@link org.cerebro.exec.cluster.WorkerDaemon} (one per device, started with
 * {@code java -jar cerebro-worker.jar}), and the authenticated binary protocol between them,
 * written up byte by byte in PROTOCOL.md at the project's root.
 */
package org.cerebro.exec.cluster;
