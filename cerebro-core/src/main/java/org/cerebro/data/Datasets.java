package org.cerebro.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Loads datasets into off-heap tables. Every loader validates its input and fails with a
 * {@link DataException} naming the file, the row or byte offset, and the expected and actual values.
 *
 * <pre>{@code
 * try (Dataset train = Datasets.idx(dir.resolve("train-images-idx3-ubyte.gz"),
 *                                   dir.resolve("train-labels-idx1-ubyte.gz"));
 *      Partitions parts = train.partition(4, 42)) {
 *     ...
 * }
 * }</pre>
 */
public final class Datasets {
    private Datasets() {
    }

    /**
     * IDX images and labels (MNIST format), gzip-compressed or plain, in direct memory. Pixels
     * become float32 in [0, 1]; the number of classes is the largest label + 1.
     */
    public static Dataset idx(Path images, Path labels) {
        return idx(images, labels, 0, Storage.direct());
    }

    /**
     * IDX images and labels with a declared number of classes (labels must be below it;
     * {@code 0} infers it) in {@code storage}. Declared sizes are checked against the files' real
     * sizes before anything is allocated.
     *
     * @throws DataException          naming the file, the byte offset and the expected and actual
     *                                values when a file is malformed, truncated, damaged gzip or
     *                                declares more than it holds
     * @throws java.io.UncheckedIOException naming the file when the file system fails to read it
     */
    public static Dataset idx(Path images, Path labels, int numClasses, Storage storage) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(storage, "storage");
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses=" + numClasses + " expected>=0 (0 infers it)");
        }
        return IdxReader.read(images, labels, numClasses, storage);
    }

    /**
     * A CSV file encoded under {@code schema}, fitted to that same file: a shortcut for
     * {@code CsvEncoder.fit(schema, file).encode(file, Storage.direct())}. To encode a test file
     * with the training file's vocabulary, keep the {@link CsvEncoder}.
     */
    public static Dataset csv(CsvSchema schema, Path file) {
        return CsvEncoder.fit(schema, file).encode(file, Storage.direct());
    }

    /**
     * A file that holds records in the {@link RecordLayout} (e.g. a partition a cluster worker
     * received), memory-mapped read-only and kept when the dataset is closed. Every label is
     * checked to be in {@code [0, numClasses)}.
     *
     * @throws DataException naming the file when its length is not a whole number of records, it
     *                       is empty or too large for one table, or a label is out of range
     */
    public static Dataset mapRecords(String name, Path file, int featureWidth, int numClasses) {
        Objects.requireNonNull(file, "file");
        RecordLayout layout = RecordLayout.of(featureWidth);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.READ)) {
            long length = channel.size();
            if (length == 0 || length % layout.stride() != 0 || length > Storage.MAX_TABLE_BYTES) {
                throw new DataException("file=" + file + " length=" + length + " expected a positive multiple of the"
                    + " record stride=" + layout.stride() + " up to " + Storage.MAX_TABLE_BYTES);
            }
            java.nio.MappedByteBuffer mapped = channel.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, length);
            org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(mapped);
            int size = (int) (length / layout.stride());
            for (int row = 0; row < size; row++) {
                int label = buffer.getInt((int) layout.recordOffset(row) + RecordLayout.LABEL_OFFSET, RecordLayout.ORDER);
                if (label < 0 || label >= numClasses) {
                    org.agrona.IoUtil.unmap(mapped);
                    throw new DataException("file=" + file + " row=" + row + " offset=" + layout.recordOffset(row)
                        + " label=" + label + " expected in [0, " + numClasses + ")");
                }
            }
            Region region = new Region(buffer, () -> org.agrona.IoUtil.unmap(mapped), file);
            return new Dataset(name, layout, size, numClasses, List.of(), region);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot map records file=" + file, e);
        }
    }

    /**
     * Records in the {@link RecordLayout} given as consecutive byte chunks (e.g. a partition a
     * Spark executor received), copied into a table in {@code storage}. Every label is checked to
     * be in {@code [0, numClasses)} and every feature to be finite, as for any other source.
     *
     * @throws DataException naming {@code name} when the bytes are not a whole, positive number of
     *                       records, or a record is invalid (its row and offset)
     */
    public static Dataset fromRecords(String name, List<byte[]> chunks, int featureWidth, int numClasses,
                                      Storage storage) {
        Objects.requireNonNull(chunks, "chunks");
        RecordLayout layout = RecordLayout.of(featureWidth);
        long length = 0;
        for (byte[] chunk : chunks) {
            length += chunk.length;
        }
        if (length == 0 || length % layout.stride() != 0 || length > Storage.MAX_TABLE_BYTES) {
            throw new DataException("source=" + name + " length=" + length + " expected a positive multiple of the record"
                + " stride=" + layout.stride() + " up to " + Storage.MAX_TABLE_BYTES);
        }
        int size = (int) (length / layout.stride());
        Region region = storage.allocate(name, length);
        try {
            long offset = 0;
            for (byte[] chunk : chunks) {
                region.buffer().putBytes((int) offset, chunk);
                offset += chunk.length;
            }
            for (int row = 0; row < size; row++) {
                int at = (int) layout.recordOffset(row);
                int label = region.buffer().getInt(at + RecordLayout.LABEL_OFFSET, RecordLayout.ORDER);
                if (label < 0 || label >= numClasses) {
                    throw new DataException("source=" + name + " row=" + row + " offset=" + at + " label=" + label
                        + " expected in [0, " + numClasses + ")");
                }
                for (int column = 0; column < featureWidth; column++) {
                    float value = region.buffer().getFloat(at + RecordLayout.FEATURES_OFFSET + column * Float.BYTES,
                        RecordLayout.ORDER);
                    if (!Float.isFinite(value)) {
                        throw new DataException("source=" + name + " row=" + row + " column=" + column + " value=" + value
                            + " expected a finite feature");
                    }
                }
            }
            return new Dataset(name, layout, size, numClasses, List.of(), region);
        } catch (RuntimeException e) {
            region.close();
            throw e;
        }
    }

    /**
     * In-memory arrays, copied off-heap into direct memory.
     *
     * @param features   one row per record, all of the same width
     * @param labels     one class per record, in {@code [0, numClasses)}
     * @param numClasses the number of classes
     */
    public static Dataset fromArrays(float[][] features, int[] labels, int numClasses) {
        return fromArrays("arrays", features, labels, numClasses, Storage.direct());
    }

    /** As {@link #fromArrays(float[][], int[], int)}, named and in {@code storage}. */
    public static Dataset fromArrays(String name, float[][] features, int[] labels, int numClasses, Storage storage) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (features.length != labels.length) {
            throw new DataException("source=" + name + " features=" + features.length + " rows labels="
                + labels.length + ": expected one label per row");
        }
        if (features.length == 0) {
            throw new DataException("source=" + name + " records=0: expected at least 1 record, empty dataset");
        }
        int width = features[0].length;
        DatasetBuilder builder = new DatasetBuilder(name, width, numClasses, features.length, List.of(), storage);
        try {
            for (int row = 0; row < features.length; row++) {
                if (features[row].length != width) {
                    throw new DataException("source=" + name + " row=" + row + " expected=" + width
                        + " features got=" + features[row].length + ": ragged row");
                }
                builder.add(features[row], labels[row], "row", row);
            }
            return builder.build();
        } catch (RuntimeException e) {
            builder.abandon();
            throw e;
        }
    }
}
