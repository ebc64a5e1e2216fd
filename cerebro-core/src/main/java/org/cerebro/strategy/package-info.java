/**
 * Search strategies as event-driven state machines at epoch granularity. A
 * {@link org.cerebro.strategy.Strategy} is an immutable description (grid, random, Hyperband,
 * ASHA); {@link org.cerebro.strategy.Strategy#begin} gives its
 * {@link org.cerebro.strategy.StrategyState}, which consumes events (an epoch ended with a score,
 * a trial failed) and answers with decisions (start a config, resume a trial to epoch e, wait,
 * done; continue, pause or stop a trial). Strategies never call an executor, never sleep and never
 * read a clock they were not given. Scores are normalised upstream: higher is better.
 */
package org.cerebro.strategy;
