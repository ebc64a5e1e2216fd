package org.cerebro.data;

import java.nio.ByteOrder;

/**
 * The fixed-width layout of one record: an int32 class label followed by the float32 features.
 * All values are little-endian (the native order of every platform the PyTorch engine ships for),
 * so the features of a record can be copied into a tensor's buffer without conversion.
 *
 * <pre>
 *  0               4                                          4 + 4w
 *  +---------------+------------------------------------------+
 *  | label (int32) | feature 0 | feature 1 | ... | feature w-1 |   w = featureWidth, float32 each
 *  +---------------+------------------------------------------+
 *  |&lt;------------------------- stride = 4 + 4w ----------------->|
 * </pre>
 *
 * <p>Records are stored back to back, record {@code r} at byte {@code r * stride}.
 * Immutable and thread-safe.
 */
public final class RecordLayout {
    /** Byte offset of the int32 label within a record. */
    public static final int LABEL_OFFSET = 0;
    /** Byte offset of the first float32 feature within a record. */
    public static final int FEATURES_OFFSET = Integer.BYTES;
    /** The byte order of every stored value. */
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    static {
        if (ByteOrder.nativeOrder() != ORDER) {
            throw new ExceptionInInitializerError("Cerebro's off-heap layout needs a little-endian platform, got "
                + ByteOrder.nativeOrder());
        }
    }

    private final int featureWidth;
    private final int stride;

    private RecordLayout(int featureWidth) {
        this.featureWidth = featureWidth;
        this.stride = FEATURES_OFFSET + featureWidth * Float.BYTES;
    }

    /**
     * @param featureWidth number of float32 features per record, at least 1
     * @return the layout of records with that many features
     */
    public static RecordLayout of(int featureWidth) {
        if (featureWidth < 1 || featureWidth > (Integer.MAX_VALUE - FEATURES_OFFSET) / Float.BYTES) {
            throw new IllegalArgumentException("featureWidth=" + featureWidth + " expected 1.."
                + (Integer.MAX_VALUE - FEATURES_OFFSET) / Float.BYTES);
        }
        return new RecordLayout(featureWidth);
    }

    /** Number of float32 features per record. */
    public int featureWidth() {
        return featureWidth;
    }

    /** Bytes per record. */
    public int stride() {
        return stride;
    }

    /** Bytes of the features of one record. */
    public int featureBytes() {
        return featureWidth * Float.BYTES;
    }

    /** Byte offset of record {@code row}. */
    public long recordOffset(int row) {
        return (long) row * stride;
    }

    /** Byte offset of feature {@code column} of record {@code row}. */
    public long featureOffset(int row, int column) {
        return (long) row * stride + FEATURES_OFFSET + (long) column * Float.BYTES;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordLayout other && other.featureWidth == featureWidth;
    }

    @Override
    public int hashCode() {
        return featureWidth;
    }

    @Override
    public String toString() {
        return "RecordLayout[featureWidth=" + featureWidth + " stride=" + stride + "]";
    }
}
