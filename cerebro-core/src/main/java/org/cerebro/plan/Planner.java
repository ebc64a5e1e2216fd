package org.cerebro.plan;

/**
 * Lowers a logical stage to a physical plan. Implementations register through
 * {@code META-INF/services/org.cerebro.plan.Planner}; cerebro-optimizer provides the cost-based one.
 */
public interface Planner {
    /** A short name, e.g. "cost-based". */
    String name();

    /** The plan for {@code request}: profile the model as needed, estimate every candidate, choose. */
    PhysicalPlan plan(PlanningRequest request);
}
