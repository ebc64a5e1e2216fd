/**
 * The TCP cluster executor: coordinator, worker daemon, protocol (coming with its issue).
 */
package org.cerebro.exec.cluster;
