package org.cerebro.data;

/**
 * What happens to the records left over when a partition's size is not a multiple of the batch
 * size.
 */
public enum LastBatch {
    /** The last batch is smaller (every record is seen once per pass). The default. */
    PARTIAL,
    /** The leftover records are skipped (every batch has exactly the batch size). */
    DROP;

    /** Number of batches in a pass over {@code records} records. */
    public int batches(int records, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " expected>=1");
        }
        return this == PARTIAL ? (records + batchSize - 1) / batchSize : records / batchSize;
    }
}
