package org.cerebro.data;

import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes records into a new off-heap table of a fixed number of records, validating each one:
 * every feature finite, the label in {@code [0, numClasses)}. Errors name the source and the
 * source's own position (row or line), the column, and the expected and actual values.
 *
 * <p>Not thread-safe: one writer builds one table.
 */
public final class DatasetBuilder {
    private final String name;
    private final RecordLayout layout;
    private final int numClasses;
    private final int capacity;
    private final List<String> featureNames;
    private final Region region;
    private final UnsafeBuffer records;
    private int count;
    private boolean built;

    /**
     * @param name         the source's name, used in errors and as the dataset's name
     * @param featureWidth features per record
     * @param numClasses   number of classes, at least 1
     * @param capacity     exact number of records the table will hold, at least 1
     * @param featureNames one per feature, or an empty list for {@code f0, f1, ...}
     * @param storage      where the table lives
     */
    public DatasetBuilder(String name, int featureWidth, int numClasses, int capacity, List<String> featureNames,
                          Storage storage) {
        if (capacity < 1) {
            throw new DataException("source=" + name + " records=" + capacity + " expected at least 1 record: empty dataset");
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("source=" + name + " numClasses=" + numClasses + " expected>=1");
        }
        this.name = name;
        this.layout = RecordLayout.of(featureWidth);
        if ((long) capacity * layout.stride() > Storage.MAX_TABLE_BYTES) {
            throw new DataException("source=" + name + " records=" + capacity + " featureWidth=" + featureWidth + " need "
                + (long) capacity * layout.stride() + " bytes, more than one table holds (" + Storage.MAX_TABLE_BYTES
                + "): partition the data into smaller tables");
        }
        this.numClasses = numClasses;
        this.capacity = capacity;
        this.featureNames = featureNames.isEmpty() ? defaultNames(featureWidth) : List.copyOf(featureNames);
        if (this.featureNames.size() != featureWidth) {
            throw new IllegalArgumentException("source=" + name + " featureNames=" + featureNames.size()
                + " expected=" + featureWidth);
        }
        this.region = storage.allocate(name, (long) capacity * layout.stride());
        this.records = region.buffer();
    }

    /** Number of records added so far. */
    public int count() {
        return count;
    }

    /**
     * Appends a record; its position in errors is its index in this table.
     *
     * @throws DataException when a feature is NaN or infinite, or the label is out of range
     */
    public DatasetBuilder add(float[] features, int label) {
        return add(features, label, "row", count);
    }

    /**
     * Appends a record whose position in the source is {@code positionKey=position}
     * (e.g. {@code line=17}), for errors.
     *
     * @throws DataException when a feature is NaN or infinite, or the label is out of range
     */
    public DatasetBuilder add(float[] features, int label, String positionKey, long position) {
        checkOpen();
        if (features.length != layout.featureWidth()) {
            throw new DataException("source=" + name + " " + positionKey + "=" + position + " expected="
                + layout.featureWidth() + " features got=" + features.length);
        }
        if (label < 0 || label >= numClasses) {
            throw new DataException("source=" + name + " " + positionKey + "=" + position + " label=" + label
                + " out of range: expected 0.." + (numClasses - 1));
        }
        int offset = (int) layout.recordOffset(count);
        records.putInt(offset + RecordLayout.LABEL_OFFSET, label);
        for (int c = 0; c < features.length; c++) {
            float value = features[c];
            if (!Float.isFinite(value)) {
                throw new DataException("source=" + name + " " + positionKey + "=" + position + " column="
                    + featureNames.get(c) + " expected=finite number got=" + value);
            }
            records.putFloat(offset + RecordLayout.FEATURES_OFFSET + c * Float.BYTES, value);
        }
        count++;
        return this;
    }

    /** Copies record {@code row} of a buffer in the same layout, already validated. */
    void copyRecord(DirectBuffer source, int row) {
        checkOpen();
        int stride = layout.stride();
        source.getBytes((int) layout.recordOffset(row), records, (int) layout.recordOffset(count), stride);
        count++;
    }

    /**
     * @return the table; this builder is spent
     * @throws DataException when fewer records were added than the capacity
     */
    public Dataset build() {
        if (built) {
            throw new IllegalStateException("builder for source=" + name + " is already built or abandoned");
        }
        if (count != capacity) {
            region.close();
            built = true;
            throw new DataException("source=" + name + " expected=" + capacity + " records got=" + count);
        }
        built = true;
        return new Dataset(name, layout, count, numClasses, featureNames, region);
    }

    /** Frees the table of a builder that will not be built (after a load error). */
    public void abandon() {
        if (!built) {
            built = true;
            region.close();
        }
    }

    private void checkOpen() {
        if (built) {
            throw new IllegalStateException("builder for source=" + name + " is already built or abandoned");
        }
        if (count == capacity) {
            throw new DataException("source=" + name + " expected=" + capacity + " records got more");
        }
    }

    /** {@code f0, f1, ...}, made when read: a wide table costs no list of strings. */
    private static List<String> defaultNames(int width) {
        return new java.util.AbstractList<>() {
            @Override
            public String get(int index) {
                java.util.Objects.checkIndex(index, width);
                return "f" + index;
            }

            @Override
            public int size() {
                return width;
            }
        };
    }
}
