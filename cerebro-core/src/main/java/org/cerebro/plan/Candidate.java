package org.cerebro.plan;

/**
 * One physical plan a planner considered, with its estimates.
 *
 * @param operator           the operator
 * @param makespanSeconds    estimated time to run the stage
 * @param memoryPerWorker    estimated peak bytes per worker
 * @param bytesMoved         estimated bytes moved between workers (data and states)
 * @param feasible           whether it fits in each worker's memory
 * @param note               why it is infeasible, or how the estimate was made
 */
public record Candidate(Operator operator, double makespanSeconds, long memoryPerWorker, long bytesMoved, boolean feasible,
                        String note) {
}
