package org.cerebro.train;

/**
 * The shape of the data a trainable sees: features per record and number of classes.
 *
 * @param featureWidth float32 features per record, at least 1
 * @param numClasses   classes, at least 2
 */
public record DataSpec(int featureWidth, int numClasses) {
    /** Validates both. */
    public DataSpec {
        if (featureWidth < 1) {
            throw new IllegalArgumentException("featureWidth=" + featureWidth + " expected>=1");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses=" + numClasses + " expected>=2");
        }
    }
}
