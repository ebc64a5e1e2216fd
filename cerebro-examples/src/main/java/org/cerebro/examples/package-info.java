/**
 * Runnable examples, each one class with a {@code main} that takes the shared options of
 * {@link org.cerebro.examples.ExampleRun}: {@code MnistSearch} (the main job), {@code Quickstart},
 * {@code AshaExample}, {@code HyperbandExample}, {@code AdultExample}, {@code ClusterExample} and
 * {@code CustomTrainableExample}. The tests smoke-run every one with a small budget.
 */
package org.cerebro.examples;
