package org.cerebro.plan;

/** How a stage's trials are spread over the workers. */
public enum Operator {
    /** Model hopper parallelism: data partitioned once, trials hop between workers. */
    MOP,
    /** Task parallelism: each worker holds all the data and trains whole trials. */
    TASK_PARALLEL,
    /** Data parallelism: each trial trains on all workers with a gradient all-reduce per mini-batch. */
    DATA_PARALLEL,
    /** MOP while the stage is wide, data parallelism for its narrow tail. */
    HYBRID
}
