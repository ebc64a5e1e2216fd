/**
 * The cost-based optimizer: cost model, profiler, physical plans, MOP scheduler, EXPLAIN (coming with its issue).
 */
package org.cerebro.optimizer;
