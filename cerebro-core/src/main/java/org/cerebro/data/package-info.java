/**
 * The data layer: datasets loaded once (IDX, CSV, in-memory arrays) into a fixed-width off-heap
 * record layout, shuffled and split into disjoint partitions that stay resident on workers, and
 * mini-batches assembled from those partitions straight into direct buffers.
 *
 * <p>Everything a loader rejects is reported as a {@link org.cerebro.data.DataException} whose
 * message names the source (file), the row or byte offset, and the expected and actual values.
 */
package org.cerebro.data;
