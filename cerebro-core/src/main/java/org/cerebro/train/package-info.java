/**
 * The training SPI every executor runs: a {@link org.cerebro.train.Trainable} creates a
 * {@link org.cerebro.train.TrainableState} per trial, which trains one pass over one partition (a
 * sub-epoch), evaluates on validation data, and moves between workers as version-tagged bytes.
 * {@link org.cerebro.train.MlpTrainable} is a pure-Java implementation that needs no native engine.
 */
package org.cerebro.train;
