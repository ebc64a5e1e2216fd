/**
 * The search driver: the one loop between a search's strategy and the runtime kernel. It lowers
 * the search to a physical plan, asks the strategy for decisions, grants epochs to the kernel and
 * feeds every outcome back, then assembles the {@link org.cerebro.SearchResult}. Listeners are
 * called here, each isolated from the search. It depends on the root package's value types; the
 * root's entry points ({@link org.cerebro.Search#run()}) call it.
 */
package org.cerebro.driver;
