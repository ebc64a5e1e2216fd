package org.cerebro.data;

/**
 * What a CSV encoder does with a category value that the training file never had.
 */
public enum UnknownCategoryPolicy {
    /** Fail with an error naming the file, line, column and value (the default). */
    ERROR,
    /** Encode it as the "unknown" bucket: every one-hot slot of that column 0. */
    UNKNOWN_BUCKET
}
