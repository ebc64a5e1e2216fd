/**
 * The cost-based planner: a profiler that measures a model's seconds per sample and state size
 * (cached across runs in a Chronicle Map), a cost model that estimates makespan, memory per worker
 * and bytes moved for MOP, task parallelism, data parallelism and the hybrid, and the choice
 * between them, explained.
 */
package org.cerebro.optimizer.plan;
