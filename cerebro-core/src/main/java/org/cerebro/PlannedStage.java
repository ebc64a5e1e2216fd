package org.cerebro;

import org.cerebro.plan.PhysicalPlan;

/**
 * A plan a search was lowered to, and when: at the start, and again when its demand narrowed.
 *
 * @param plan      the plan
 * @param atSeconds seconds after the search started
 * @param trigger   why it was planned then
 */
public record PlannedStage(PhysicalPlan plan, double atSeconds, String trigger) {
}
