package org.cerebro.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format), gzip-compressed or plain: big-endian int32 magic
 * {@code 0x000008NN} (unsigned bytes, NN dimensions), NN int32 dimension sizes, then the raw
 * values. Images are {@code 0x00000803} (count, rows, cols) or any 2 to 4 dimensions; labels are
 * {@code 0x00000801} (count). Pixels become float32 in [0, 1] (value / 255).
 *
 * <p>Offsets in errors are byte offsets in the decompressed content.
 */
final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final float PIXEL_SCALE = 1f / 255f;

    private IdxReader() {
    }

    /**
     * DEFLATE expands at most about 1032 to 1: a gzip file can hold at most this many times its own
     * length, which bounds what a header may declare before anything is allocated.
     */
    static final long MAX_GZIP_RATIO = 1032;

    static Dataset read(Path images, Path labels, int declaredClasses, Storage storage) {
        byte[] labelValues = readLabels(labels);
        int numClasses = declaredClasses > 0 ? declaredClasses : inferClasses(labelValues);
        try (InputStream in = open(images)) {
            Header header = readHeader(in, images, 2, 4, "0x00000803 (unsigned-byte images, 2 to 4 dimensions)");
            if (header.count != labelValues.length) {
                throw new DataException("file=" + images.getFileName() + " images=" + header.count + " file="
                    + labels.getFileName() + " labels=" + labelValues.length
                    + ": expected as many images as labels");
            }
            long width = 1;
            for (int d = 1; d < header.dims.length && width <= Integer.MAX_VALUE; d++) {
                width *= header.dims[d];
            }
            if (width < 1 || width > Integer.MAX_VALUE / 8) {
                throw new DataException("file=" + images.getFileName() + " offset=8 image size=" + width
                    + " expected 1.." + Integer.MAX_VALUE / 8 + " values");
            }
            checkDeclaredSize(images, header, header.count * width);
            long tableBytes = header.count * (long) RecordLayout.of((int) width).stride();
            if (tableBytes > Storage.MAX_TABLE_BYTES) {
                throw new DataException("file=" + images.getFileName() + " offset=4 declares " + header.count + " images of "
                    + width + " values: " + tableBytes + " bytes as records, more than one table holds ("
                    + Storage.MAX_TABLE_BYTES + "): split the file");
            }
            return readImages(in, images, header, (int) width, labels, labelValues, numClasses, storage);
        } catch (IOException e) {
            throw readError(images, e);
        }
    }

    /**
     * Fails before anything is allocated when the header declares more values than the file can
     * hold: a plain file must be exactly header plus values long; a gzip file can hold at most
     * {@link #MAX_GZIP_RATIO} times its length.
     */
    private static void checkDeclaredSize(Path file, Header header, long values) throws IOException {
        long declared = header.bytes + values;
        long length = Files.size(file);
        if (header.gzip) {
            if (declared > MAX_GZIP_RATIO * length) {
                throw new DataException("file=" + file.getFileName() + " offset=4 header declares " + declared
                    + " bytes of content but a gzip file of " + length + " bytes holds at most " + MAX_GZIP_RATIO * length
                    + ": the header is wrong or the file is truncated");
            }
        } else if (declared != length) {
            throw new DataException("file=" + file.getFileName() + " offset=4 header declares " + declared + " bytes ("
                + header.bytes + " of header and " + values + " values) but the file has " + length + " bytes"
                + (declared > length ? ": truncated" : ": trailing bytes"));
        }
    }

    private static Dataset readImages(InputStream in, Path images, Header header, int width, Path labels,
                                      byte[] labelValues, int numClasses, Storage storage) throws IOException {
        DatasetBuilder builder = new DatasetBuilder(images.getFileName().toString(), width, numClasses,
            header.count, List.of(), storage);
        try {
            byte[] raw = new byte[width];
            float[] features = new float[width];
            long offset = header.bytes;
            for (int i = 0; i < header.count; i++) {
                readFully(in, raw, width, images, offset, (long) header.count * width + header.bytes);
                for (int c = 0; c < width; c++) {
                    features[c] = (raw[c] & 0xFF) * PIXEL_SCALE;
                }
                int label = labelValues[i] & 0xFF;
                if (label >= numClasses) {
                    throw new DataException("file=" + labels.getFileName() + " offset=" + (8 + i) + " record=" + i
                        + " label=" + label + " out of range: expected 0.." + (numClasses - 1));
                }
                builder.add(features, label, "record", i);
                offset += width;
            }
            return builder.build();
        } catch (RuntimeException | IOException e) {
            builder.abandon();
            throw e;
        }
    }

    private static byte[] readLabels(Path labels) {
        try (InputStream in = open(labels)) {
            Header header = readHeader(in, labels, 1, 1, "0x00000801 (unsigned-byte labels, 1 dimension)");
            checkDeclaredSize(labels, header, header.count);
            byte[] values = new byte[header.count];
            readFully(in, values, header.count, labels, header.bytes, header.bytes + (long) header.count);
            return values;
        } catch (IOException e) {
            throw readError(labels, e);
        }
    }

    /**
     * A failed read as the caller sees it: damaged or cut-short gzip data is bad input (a
     * {@link DataException}); anything else is the file system's failure.
     */
    private static RuntimeException readError(Path file, IOException e) {
        if (e instanceof java.util.zip.ZipException || e instanceof EOFException) {
            return new DataException("file=" + file.getFileName() + " is not valid gzip: "
                + (e instanceof EOFException ? "it ends early (truncated)" : e.getMessage()), e);
        }
        return new UncheckedIOException("file=" + file.getFileName() + " cannot be read: " + e.getMessage(), e);
    }

    private static int inferClasses(byte[] labels) {
        int max = 0;
        for (byte label : labels) {
            max = Math.max(max, label & 0xFF);
        }
        return max + 1;
    }

    private record Header(int count, int[] dims, int bytes, boolean gzip) {
    }

    private static Header readHeader(InputStream in, Path file, int minDims, int maxDims, String expected)
        throws IOException {
        byte[] magicBytes = in.readNBytes(4);
        if (magicBytes.length < 4) {
            throw truncated(file, magicBytes.length, 4, magicBytes.length);
        }
        int magic = bigEndian(magicBytes, 0);
        int type = (magic >>> 8) & 0xFF;
        int dims = magic & 0xFF;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dims < minDims || dims > maxDims) {
            throw new DataException("file=" + file.getFileName() + " offset=0 expected magic=" + expected
                + " got=" + String.format("0x%08X", magic));
        }
        byte[] sizes = in.readNBytes(4 * dims);
        if (sizes.length < 4 * dims) {
            throw truncated(file, 4 + sizes.length, 4 + 4L * dims, 4 + sizes.length);
        }
        int[] dimSizes = new int[dims];
        for (int d = 0; d < dims; d++) {
            dimSizes[d] = bigEndian(sizes, 4 * d);
            if (dimSizes[d] < 0) {
                throw new DataException("file=" + file.getFileName() + " offset=" + (4 + 4 * d) + " dimension=" + d
                    + " expected>=0 got=" + dimSizes[d]);
            }
        }
        if (dimSizes[0] == 0) {
            throw new DataException("file=" + file.getFileName() + " offset=4 records=0: expected at least 1 record,"
                + " empty dataset");
        }
        return new Header(dimSizes[0], dimSizes, 4 + 4 * dims, in instanceof Gzipped);
    }

    /** Reads exactly {@code n} bytes found at {@code offset}, or reports where the file ends. */
    private static void readFully(InputStream in, byte[] into, int n, Path file, long offset, long expectedTotal)
        throws IOException {
        int got = 0;
        try {
            got = in.readNBytes(into, 0, n);
        } catch (EOFException e) {
            // a gzip stream cut short: the inflater knows no more than "it ended early"
            throw new DataException("file=" + file.getFileName() + " offset>=" + offset
                + " truncated: compressed stream ends early, expected=" + expectedTotal + " bytes", e);
        } catch (java.util.zip.ZipException e) {
            throw new DataException("file=" + file.getFileName() + " offset>=" + offset + " corrupt gzip data: "
                + e.getMessage(), e);
        }
        if (got != n) {
            throw truncated(file, offset + got, expectedTotal, offset + got);
        }
    }

    private static DataException truncated(Path file, long offset, long expectedBytes, long gotBytes) {
        return new DataException("file=" + file.getFileName() + " offset=" + offset + " truncated: expected="
            + expectedBytes + " bytes got=" + gotBytes);
    }

    private static int bigEndian(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    /** Opens a file, decompressing it when it starts with the gzip magic bytes. */
    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataException("file=" + file + " does not exist or is not a regular file");
        }
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new Gzipped(new GZIPInputStream(in, 1 << 16));
            } catch (java.util.zip.ZipException | EOFException e) {
                in.close();
                throw new DataException("file=" + file.getFileName() + " starts like gzip but its header is "
                    + (e instanceof EOFException ? "cut short" : "not valid: " + e.getMessage()), e);
            }
        }
        return in;
    }

    /** A decompressed stream (so the size check knows the file is compressed). */
    private static final class Gzipped extends BufferedInputStream {
        Gzipped(InputStream in) {
            super(in, 1 << 16);
        }
    }
}
