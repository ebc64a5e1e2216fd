/**
 * The fluent entry point: {@link org.cerebro.Cerebro#search} builds a
 * {@link org.cerebro.LogicalSearch} (what to search, how to score it) that runs on an executor
 * and returns a {@link org.cerebro.SearchResult}.
 *
 * <pre>{@code
 * SearchResult result = Cerebro.search(SearchSpace.of(MlpTrainable.LEARNING_RATE, MlpTrainable.HIDDEN))
 *     .trainable(new MlpTrainable())
 *     .data(train, validation)
 *     .strategy(Strategy.asha(1, 9, 3).maxTrials(20))
 *     .objective(Objective.maximize("accuracy"))
 *     .seed(42)
 *     .run();
 * System.out.println(result.leaderboardTable(5));
 * }</pre>
 */
package org.cerebro;
