package org.cerebro.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An immutable table of labelled records held off the Java heap in the {@link RecordLayout}:
 * float32 features and an int class label in {@code [0, numClasses)}. Built by {@link Datasets}
 * (files, arrays) or by {@link #partition} and {@link #split}, which copy records into new tables.
 *
 * <p>Thread-safe for reading once built. {@link #close()} frees the memory (and deletes a mapped
 * table's file); it must not race with readers. A read after close fails with an
 * {@link IllegalStateException} naming the dataset.
 */
public final class Dataset implements AutoCloseable {
    private final String name;
    private final RecordLayout layout;
    private final int size;
    private final int numClasses;
    private final List<String> featureNames;
    private final Region region;
    private final UnsafeBuffer records;

    Dataset(String name, RecordLayout layout, int size, int numClasses, List<String> featureNames, Region region) {
        this.name = name;
        this.layout = layout;
        this.size = size;
        this.numClasses = numClasses;
        this.featureNames = java.util.Collections.unmodifiableList(featureNames); // the builder copied them, or names them lazily
        this.region = region;
        this.records = region.buffer();
    }

    /** Where the records came from (a file name, "arrays", "mnist-train/partition-3 of 8"...). */
    public String name() {
        return name;
    }

    /** The record layout: feature width and stride. */
    public RecordLayout layout() {
        return layout;
    }

    /** Number of float32 features per record. */
    public int featureWidth() {
        return layout.featureWidth();
    }

    /** Number of records. */
    public int size() {
        return size;
    }

    /** Number of classes: every label is in {@code [0, numClasses)}. */
    public int numClasses() {
        return numClasses;
    }

    /** One name per feature column, e.g. {@code age} or {@code workclass=Private} for one-hot columns. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Bytes of off-heap memory the records take. */
    public long sizeInBytes() {
        return (long) size * layout.stride();
    }

    /** The file backing this table, or null when it lives in direct memory. */
    public Path file() {
        return region.file();
    }

    /**
     * Fails unless the records are still there.
     *
     * @throws IllegalStateException naming the dataset when it was closed
     */
    public void checkOpen() {
        if (region.closed()) {
            throw new IllegalStateException("dataset=" + name + " is closed: its records were freed (close it only after"
                + " every search that reads it has ended)");
        }
    }

    /** The label of record {@code row}. */
    public int label(int row) {
        checkOpen();
        Objects.checkIndex(row, size);
        return records.getInt((int) layout.recordOffset(row) + RecordLayout.LABEL_OFFSET);
    }

    /** Feature {@code column} of record {@code row}. */
    public float feature(int row, int column) {
        checkOpen();
        Objects.checkIndex(row, size);
        Objects.checkIndex(column, layout.featureWidth());
        return records.getFloat((int) layout.featureOffset(row, column));
    }

    /** Copies the features of record {@code row} into {@code destination[0..featureWidth)}. */
    public void copyFeatures(int row, float[] destination) {
        checkOpen();
        Objects.checkIndex(row, size);
        int width = layout.featureWidth();
        if (destination.length < width) {
            throw new IllegalArgumentException("destination.length=" + destination.length + " expected>=" + width);
        }
        int offset = (int) layout.featureOffset(row, 0);
        for (int c = 0; c < width; c++) {
            destination[c] = records.getFloat(offset + c * Float.BYTES);
        }
    }

    /** Number of records per class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int row = 0; row < size; row++) {
            counts[label(row)]++;
        }
        return counts;
    }

    /**
     * A read-only view of the records, {@link #size()} × {@link RecordLayout#stride()} bytes in
     * the {@link RecordLayout}. Valid until {@link #close()}.
     */
    public DirectBuffer records() {
        checkOpen();
        return records;
    }

    /**
     * A fingerprint of the contents: record count, feature width, classes and the CRC-32C of
     * every record byte, e.g. {@code "60000x784/10 crc32c=1a2b3c4d"}. Two datasets with the same
     * records in the same order have the same fingerprint; an experiment directory uses it to
     * refuse a resume on other data. Reads every byte once (about a second per few GB).
     */
    public String contentFingerprint() {
        checkOpen();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        long length = (long) size * layout.stride();
        byte[] chunk = new byte[64 * 1024];
        for (long offset = 0; offset < length; offset += chunk.length) {
            int n = (int) Math.min(chunk.length, length - offset);
            records.getBytes((int) offset, chunk, 0, n);
            crc.update(chunk, 0, n);
        }
        return size + "x" + layout.featureWidth() + "/" + numClasses + " crc32c="
            + String.format(java.util.Locale.ROOT, "%08x", crc.getValue());
    }

    /**
     * The SHA-256 of the record bytes, in lowercase hex: the name under which a worker in another
     * process keeps this table (a cluster worker's store, a Spark executor's), and the check that
     * what it received or kept is exactly this table.
     */
    public String contentHash() {
        checkOpen();
        java.security.MessageDigest digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        byte[] chunk = new byte[1 << 20];
        long length = sizeInBytes();
        for (long offset = 0; offset < length; offset += chunk.length) {
            int n = (int) Math.min(chunk.length, length - offset);
            records.getBytes((int) offset, chunk, 0, n);
            digest.update(chunk, 0, n);
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Shuffles the records with {@code seed} and cuts them into {@code partitions} disjoint
     * tables whose sizes differ by at most one record, in direct memory. The same seed gives the
     * same partitions.
     *
     * @throws DataException when there are more partitions than records
     */
    public Partitions partition(int partitions, long seed) {
        return Partitions.of(this, partitions, seed, Storage.direct());
    }

    /** As {@link #partition(int, long)}, with the partitions in {@code storage}. */
    public Partitions partition(int partitions, long seed, Storage storage) {
        return Partitions.of(this, partitions, seed, storage);
    }

    /**
     * A seeded random split into a training and a validation table, in direct memory.
     *
     * @param validationFraction the share of records for validation, in (0, 1); rounded to the
     *                           nearest record, and both sides keep at least one record
     */
    public Split split(double validationFraction, long seed) {
        return Split.of(this, validationFraction, seed, Storage.direct());
    }

    /** As {@link #split(double, long)}, with both tables in {@code storage}. */
    public Split split(double validationFraction, long seed, Storage storage) {
        return Split.of(this, validationFraction, seed, storage);
    }

    /**
     * A copy of records {@code from} (inclusive) to {@code to} (exclusive), in their order, in direct
     * memory: e.g. a time-ordered split, or the first part of a file.
     *
     * @throws IndexOutOfBoundsException naming the range and the size when it is not within the table
     */
    public Dataset rows(int from, int to) {
        checkOpen();
        if (from < 0 || to > size || from >= to) {
            throw new IndexOutOfBoundsException("dataset=" + name + " rows(" + from + ", " + to + ") expected"
                + " 0 <= from < to <= size=" + size);
        }
        int[] order = new int[size];
        java.util.Arrays.setAll(order, i -> i);
        return select(name + "/rows-" + from + "-" + to, order, from, to, Storage.direct());
    }

    /** A copy of the first {@code n} records (all of them when there are fewer), in direct memory. */
    public Dataset head(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("head n=" + n + " expected>=1");
        }
        int count = Math.min(n, size);
        int[] rows = new int[count];
        java.util.Arrays.setAll(rows, i -> i);
        return select(name + "/head-" + count, rows, 0, count, Storage.direct());
    }

    /** A new table with the given records of this one, in that order. */
    Dataset select(String newName, int[] rows, int from, int to, Storage storage) {
        checkOpen();
        DatasetBuilder builder = new DatasetBuilder(newName, layout.featureWidth(), numClasses, to - from,
            featureNames, storage);
        for (int i = from; i < to; i++) {
            builder.copyRecord(records, rows[i]);
        }
        return builder.build();
    }

    /** Frees the records; idempotent. */
    @Override
    public void close() {
        region.close();
    }

    @Override
    public String toString() {
        return "Dataset[name=" + name + " size=" + size + " featureWidth=" + layout.featureWidth()
            + " numClasses=" + numClasses + "]";
    }
}
