package org.cerebro.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.cerebro.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX loading: the real MNIST files, and one test per kind of bad file. */
class IdxTest {
    // The published per-class counts of MNIST (LeCun & Cortes), labels 0..9.
    private static final int[] MNIST_TRAIN_CLASS_COUNTS = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    private static final int[] MNIST_TEST_CLASS_COUNTS = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};

    @TempDir
    Path dir;

    @Test
    void mnistTrainAndTestLoadWithTheirShapesAndClassCounts() {
        try (Dataset train = Datasets.idx(TestData.file("mnist", "train-images-idx3-ubyte.gz"),
                TestData.file("mnist", "train-labels-idx1-ubyte.gz"));
             Dataset test = Datasets.idx(TestData.file("mnist", "t10k-images-idx3-ubyte.gz"),
                TestData.file("mnist", "t10k-labels-idx1-ubyte.gz"))) {
            assertEquals(60_000, train.size());
            assertEquals(10_000, test.size());
            assertEquals(784, train.featureWidth());
            assertEquals(784, test.featureWidth());
            assertEquals(10, train.numClasses());
            assertArrayEquals(MNIST_TRAIN_CLASS_COUNTS, train.classCounts());
            assertArrayEquals(MNIST_TEST_CLASS_COUNTS, test.classCounts());
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int c = 0; c < 784; c++) {
                min = Math.min(min, train.feature(0, c));
                max = Math.max(max, train.feature(0, c));
            }
            assertEquals(0f, min);
            assertEquals(1f, max, "pixels are scaled to [0, 1]");
        }
    }

    private static byte[] idx(int magic, int[] dims, byte[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(values);
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    private Path images(int count, int rows, int cols, boolean gzip) throws IOException {
        byte[] values = new byte[count * rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (byte) (i * 37);
        }
        return write("images" + (gzip ? ".gz" : ""), idx(0x803, new int[] {count, rows, cols}, values), gzip);
    }

    private Path labels(byte... labels) throws IOException {
        return write("labels", idx(0x801, new int[] {labels.length}, labels), false);
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks [" + part + "]: " + e.getMessage());
        }
    }

    @Test
    void plainAndGzipFilesGiveTheSameRecords() throws IOException {
        Path labels = labels((byte) 1, (byte) 0, (byte) 2);
        try (Dataset plain = Datasets.idx(images(3, 2, 2, false), labels);
             Dataset gz = Datasets.idx(images(3, 2, 2, true), labels)) {
            assertEquals(3, plain.numClasses());
            for (int r = 0; r < 3; r++) {
                assertEquals(plain.label(r), gz.label(r));
                for (int c = 0; c < 4; c++) {
                    assertEquals(plain.feature(r, c), gz.feature(r, c));
                    assertEquals(((r * 4 + c) * 37 & 0xFF) / 255f, plain.feature(r, c), 1e-7f);
                }
            }
        }
    }

    @Test
    void wrongMagicNamesFileOffsetExpectedAndActual() throws IOException {
        Path labels = labels((byte) 1);
        DataException e = assertThrows(DataException.class, () -> Datasets.idx(labels, labels));
        assertMessage(e, "file=labels", "offset=0", "expected magic=0x00000803", "got=0x00000801");
    }

    @Test
    void truncatedImageFileIsRefusedBeforeReadingWithDeclaredAndRealSizes() throws IOException {
        byte[] full = idx(0x803, new int[] {3, 2, 2}, new byte[12]);
        Path images = write("short-images", Arrays.copyOf(full, full.length - 5), false);
        DataException e = assertThrows(DataException.class, () -> Datasets.idx(images, labels((byte) 0, (byte) 0, (byte) 0)));
        assertMessage(e, "file=short-images", "truncated", "offset=4", "declares 28 bytes", "the file has 23 bytes");
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        Path images = write("stub", new byte[] {0, 0, 8, 3, 0, 0}, false);
        DataException e = assertThrows(DataException.class, () -> Datasets.idx(images, labels((byte) 0)));
        assertMessage(e, "file=stub", "truncated", "expected=16 bytes", "got=6");
    }

    @Test
    void truncatedGzipStreamIsReported() throws IOException {
        byte[] values = new byte[4000];
        new java.util.Random(1).nextBytes(values);
        Path whole = write("whole.gz", idx(0x803, new int[] {10, 20, 20}, values), true);
        byte[] gz = Files.readAllBytes(whole);
        Path cut = write("cut.gz", new byte[0], false);
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        byte[] tenLabels = new byte[10];
        DataException e = assertThrows(DataException.class, () -> Datasets.idx(cut, labels(tenLabels)));
        assertMessage(e, "file=cut.gz", "truncated");
    }

    @Test
    void imageAndLabelCountMismatchIsReported() throws IOException {
        DataException e = assertThrows(DataException.class,
            () -> Datasets.idx(images(3, 2, 2, false), labels((byte) 0, (byte) 1)));
        assertMessage(e, "images=3", "labels=2", "expected as many images as labels");
    }

    @Test
    void labelOutOfDeclaredRangeNamesOffsetAndRecord() throws IOException {
        Path labels = labels((byte) 1, (byte) 12, (byte) 0);
        DataException e = assertThrows(DataException.class,
            () -> Datasets.idx(images(3, 2, 2, false), labels, 10, Storage.direct()));
        assertMessage(e, "file=labels", "offset=9", "record=1", "label=12", "expected 0..9");
    }

    @Test
    void emptyIdxFileIsRejected() throws IOException {
        Path images = write("empty-images", idx(0x803, new int[] {0, 2, 2}, new byte[0]), false);
        DataException e = assertThrows(DataException.class, () -> Datasets.idx(images, labels((byte) 0)));
        assertMessage(e, "file=empty-images", "records=0", "empty dataset");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.idx");
        DataException e = assertThrows(DataException.class, () -> Datasets.idx(missing, missing));
        assertMessage(e, "nope.idx", "does not exist");
    }
}
