package org.cerebro.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Assembles mini-batches from an off-heap table into two reusable direct buffers, in native
 * order, ready to become tensors without a heap copy: the features as a row-major
 * {@code [batch, featureWidth]} float32 matrix and the labels as {@code [batch]} int32.
 * Each record's features move with one off-heap memory copy; nothing is allocated per batch.
 *
 * <p>Not thread-safe: one assembler per worker thread. The buffers are overwritten by the next
 * {@code assemble} call.
 */
public final class BatchAssembler {
    private final int batchSize;
    private final RecordLayout layout;
    private final ByteBuffer features;
    private final ByteBuffer labels;
    private final UnsafeBuffer featureView;
    private final UnsafeBuffer labelView;
    private int count;

    /**
     * @param batchSize    the largest batch, at least 1
     * @param featureWidth the feature width of the tables it will read
     */
    public BatchAssembler(int batchSize, int featureWidth) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " expected>=1");
        }
        this.batchSize = batchSize;
        this.layout = RecordLayout.of(featureWidth);
        long featureBytes = (long) batchSize * layout.featureBytes();
        if (featureBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batchSize=" + batchSize + " featureWidth=" + featureWidth
                + " needs " + featureBytes + " bytes per batch, expected<=" + Integer.MAX_VALUE);
        }
        this.features = ByteBuffer.allocateDirect((int) featureBytes).order(ByteOrder.nativeOrder());
        this.labels = ByteBuffer.allocateDirect(batchSize * Integer.BYTES).order(ByteOrder.nativeOrder());
        this.featureView = new UnsafeBuffer(features);
        this.labelView = new UnsafeBuffer(labels);
    }

    /** The largest batch this assembler holds. */
    public int batchSize() {
        return batchSize;
    }

    /** Number of records in the last assembled batch. */
    public int count() {
        return count;
    }

    /**
     * Assembles batch {@code batch} of a sequential pass over {@code data}: records
     * {@code [batch * batchSize, ...)}.
     *
     * @return the number of records in it (smaller for the last batch under {@link LastBatch#PARTIAL})
     */
    public int assemble(Dataset data, int batch, LastBatch policy) {
        checkWidth(data);
        int batches = policy.batches(data.size(), batchSize);
        Objects.checkIndex(batch, batches);
        int first = batch * batchSize;
        int n = Math.min(batchSize, data.size() - first);
        DirectBuffer records = data.records();
        int stride = layout.stride();
        int featureBytes = layout.featureBytes();
        int offset = (int) layout.recordOffset(first);
        for (int i = 0; i < n; i++, offset += stride) {
            labelView.putInt(i * Integer.BYTES, records.getInt(offset + RecordLayout.LABEL_OFFSET));
            records.getBytes(offset + RecordLayout.FEATURES_OFFSET, featureView, i * featureBytes, featureBytes);
        }
        return finish(n);
    }

    /**
     * Gathers the records {@code rows[from..from+n)} of {@code data} (e.g. a per-epoch shuffled
     * order) into the batch buffers.
     *
     * @return {@code n}
     */
    public int gather(Dataset data, int[] rows, int from, int n) {
        checkWidth(data);
        if (n < 0 || n > batchSize) {
            throw new IllegalArgumentException("n=" + n + " expected 0.." + batchSize);
        }
        Objects.checkFromIndexSize(from, n, rows.length);
        DirectBuffer records = data.records();
        int featureBytes = layout.featureBytes();
        int size = data.size();
        for (int i = 0; i < n; i++) {
            int row = Objects.checkIndex(rows[from + i], size);
            int offset = (int) layout.recordOffset(row);
            labelView.putInt(i * Integer.BYTES, records.getInt(offset + RecordLayout.LABEL_OFFSET));
            records.getBytes(offset + RecordLayout.FEATURES_OFFSET, featureView, i * featureBytes, featureBytes);
        }
        return finish(n);
    }

    /**
     * Gathers the contiguous records {@code [from, from + n)} of {@code data} into the batch
     * buffers (a data-parallel rank's share of a step).
     *
     * @return {@code n}
     */
    public int range(Dataset data, int from, int n) {
        checkWidth(data);
        if (n < 0 || n > batchSize) {
            throw new IllegalArgumentException("n=" + n + " expected 0.." + batchSize);
        }
        Objects.checkFromIndexSize(from, n, data.size());
        DirectBuffer records = data.records();
        int featureBytes = layout.featureBytes();
        for (int i = 0; i < n; i++) {
            int offset = (int) layout.recordOffset(from + i);
            labelView.putInt(i * Integer.BYTES, records.getInt(offset + RecordLayout.LABEL_OFFSET));
            records.getBytes(offset + RecordLayout.FEATURES_OFFSET, featureView, i * featureBytes, featureBytes);
        }
        return finish(n);
    }

    /** The features of the last batch: {@code count() * featureWidth} float32 values, position 0. */
    public ByteBuffer features() {
        return features;
    }

    /** The labels of the last batch: {@code count()} int32 values, position 0. */
    public ByteBuffer labels() {
        return labels;
    }

    /** Label {@code i} of the last batch. */
    public int label(int i) {
        Objects.checkIndex(i, count);
        return labelView.getInt(i * Integer.BYTES);
    }

    /** Feature {@code column} of record {@code i} of the last batch. */
    public float feature(int i, int column) {
        Objects.checkIndex(i, count);
        Objects.checkIndex(column, layout.featureWidth());
        return featureView.getFloat(i * layout.featureBytes() + column * Float.BYTES);
    }

    private int finish(int n) {
        count = n;
        features.clear().limit(n * layout.featureBytes());
        labels.clear().limit(n * Integer.BYTES);
        return n;
    }

    private void checkWidth(Dataset data) {
        if (data.featureWidth() != layout.featureWidth()) {
            throw new IllegalArgumentException("source=" + data.name() + " featureWidth=" + data.featureWidth()
                + " expected=" + layout.featureWidth() + " (this assembler's width)");
        }
    }
}
