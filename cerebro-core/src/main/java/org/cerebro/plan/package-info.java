/**
 * The physical plan vocabulary: operators (MOP, task-parallel, data-parallel, hybrid), their
 * cost estimates, the chosen {@link org.cerebro.plan.PhysicalPlan} with its EXPLAIN text, and the
 * {@link org.cerebro.plan.Planner} SPI through which the cost-based optimizer (cerebro-optimizer,
 * found with {@code ServiceLoader}) lowers a logical stage. The core depends on no planner.
 */
package org.cerebro.plan;
