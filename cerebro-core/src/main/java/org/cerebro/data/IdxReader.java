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
            for (int d = 1; d < header.dims.length; d++) {
                width *= header.dims[d];
            }
            if (width < 1 || width > Integer.MAX_VALUE / 8) {
                throw new DataException("file=" + images.getFileName() + " offset=8 image size=" + width
                    + " expected 1.." + Integer.MAX_VALUE / 8 + " values");
            }
            return readImages(in, images, header, (int) width, labels, labelValues, numClasses, storage);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read file=" + images, e);
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
            byte[] values = new byte[header.count];
            readFully(in, values, header.count, labels, header.bytes, header.bytes + (long) header.count);
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read file=" + labels, e);
        }
    }

    private static int inferClasses(byte[] labels) {
        int max = 0;
        for (byte label : labels) {
            max = Math.max(max, label & 0xFF);
        }
        return max + 1;
    }

    private record Header(int count, int[] dims, int bytes) {
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
        return new Header(dimSizes[0], dimSizes, 4 + 4 * dims);
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
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }
}
