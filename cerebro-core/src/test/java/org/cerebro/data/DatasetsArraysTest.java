package org.cerebro.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-memory loading, storage kinds and the errors of bad arrays. */
class DatasetsArraysTest {
    @TempDir
    Path workDir;

    private static void assertMessage(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks [" + part + "]: " + e.getMessage());
        }
    }

    @Test
    void nanFeatureNamesRowColumnAndValue() {
        float[][] x = {{1, 2}, {3, Float.NaN}};
        DataException e = assertThrows(DataException.class, () -> Datasets.fromArrays(x, new int[] {0, 1}, 2));
        assertMessage(e, "source=arrays", "row=1", "column=f1", "expected=finite", "got=NaN");
    }

    @Test
    void infiniteFeatureIsRejected() {
        float[][] x = {{Float.POSITIVE_INFINITY}};
        DataException e = assertThrows(DataException.class, () -> Datasets.fromArrays(x, new int[] {0}, 1));
        assertMessage(e, "row=0", "column=f0", "got=Infinity");
    }

    @Test
    void labelOutOfRangeNamesRowAndRange() {
        float[][] x = {{1}, {2}, {3}};
        DataException e = assertThrows(DataException.class, () -> Datasets.fromArrays(x, new int[] {0, 1, 5}, 3));
        assertMessage(e, "row=2", "label=5", "expected 0..2");
        DataException negative = assertThrows(DataException.class, () -> Datasets.fromArrays(x, new int[] {-1, 0, 0}, 3));
        assertMessage(negative, "row=0", "label=-1");
    }

    @Test
    void raggedRowsAreRejected() {
        float[][] x = {{1, 2}, {3}};
        DataException e = assertThrows(DataException.class, () -> Datasets.fromArrays(x, new int[] {0, 0}, 1));
        assertMessage(e, "row=1", "expected=2 features got=1", "ragged");
    }

    @Test
    void emptyDatasetIsRejected() {
        DataException e = assertThrows(DataException.class, () -> Datasets.fromArrays(new float[0][], new int[0], 2));
        assertMessage(e, "records=0", "empty dataset");
    }

    @Test
    void labelCountMustMatchRows() {
        DataException e = assertThrows(DataException.class,
            () -> Datasets.fromArrays(new float[][] {{1}, {2}}, new int[] {0}, 2));
        assertMessage(e, "features=2 rows", "labels=1");
    }

    @Test
    void morePartitionsThanRecordsIsRejected() {
        try (Dataset data = Datasets.fromArrays(new float[][] {{1}, {2}, {3}}, new int[] {0, 0, 0}, 1)) {
            DataException e = assertThrows(DataException.class, () -> data.partition(4, 1));
            assertMessage(e, "partitions=4", "records=3", "more partitions than records");
        }
    }

    @Test
    void mappedStorageHoldsRecordsInAFileDeletedOnClose() throws Exception {
        float[][] x = {{1.5f, -2f}, {3f, 4.25f}, {5f, 6f}};
        Dataset data = Datasets.fromArrays("mapped", x, new int[] {0, 1, 0}, 2, Storage.mapped(workDir));
        Path file = data.file();
        assertTrue(file.startsWith(workDir));
        assertEquals(3L * data.layout().stride(), Files.size(file));
        assertEquals(4.25f, data.feature(1, 1));
        try (Partitions parts = data.partition(2, 9, Storage.mapped(workDir))) {
            assertEquals(3, parts.totalSize());
            assertTrue(Files.exists(parts.get(0).file()));
        }
        data.close();
        assertFalse(Files.exists(file), "the table file is deleted on close");
    }

    @Test
    void readingAClosedDatasetFailsNamingItInsteadOfReadingFreedMemory() {
        Dataset data = Datasets.fromArrays(new float[][] {{1}}, new int[] {0}, 1);
        org.agrona.DirectBuffer view = data.records();
        data.close();
        assertThrows(IndexOutOfBoundsException.class, () -> view.getFloat(4), "a view taken before: a bounds error");
        for (org.junit.jupiter.api.function.Executable read : List.<org.junit.jupiter.api.function.Executable>of(
            data::records, () -> data.label(0), () -> data.feature(0, 0), () -> data.copyFeatures(0, new float[1]),
            () -> data.partition(1, 1), () -> data.head(1), () -> data.rows(0, 1), data::contentFingerprint)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, read);
            assertTrue(e.getMessage().contains("dataset=arrays is closed"), e.getMessage());
        }
    }

    @Test
    void layoutMatchesItsDiagram() {
        try (Dataset data = Datasets.fromArrays(new float[][] {{7f, 8f}, {9f, 10f}}, new int[] {1, 0}, 2)) {
            RecordLayout layout = data.layout();
            assertEquals(4 + 2 * 4, layout.stride());
            assertEquals(1, data.records().getInt(0, RecordLayout.ORDER));
            assertEquals(8f, data.records().getFloat(RecordLayout.FEATURES_OFFSET + 4, RecordLayout.ORDER));
            assertEquals(9f, data.records().getFloat(layout.stride() + RecordLayout.FEATURES_OFFSET, RecordLayout.ORDER));
            assertEquals(List.of("f0", "f1"), data.featureNames());
            assertEquals(2 * layout.stride(), data.sizeInBytes());
        }
    }

    @Test
    void standardizerUsesTrainingStatisticsOnly() {
        float[][] train = {{1, 10}, {3, 10}};
        float[][] test = {{5, 12}};
        try (Dataset tr = Datasets.fromArrays(train, new int[] {0, 0}, 1);
             Dataset te = Datasets.fromArrays(test, new int[] {0}, 1)) {
            Standardizer s = Standardizer.fit(tr);
            assertEquals(2.0, s.mean(0), 1e-9);
            assertEquals(1.0, s.std(0), 1e-9);
            assertEquals(1.0, s.std(1), 1e-9, "a constant feature keeps std 1");
            try (Dataset st = s.apply(te, Storage.direct())) {
                assertEquals(3f, st.feature(0, 0), 1e-6f, "(5 - 2) / 1 with the training mean");
                assertEquals(2f, st.feature(0, 1), 1e-6f);
            }
            try (Dataset only = Standardizer.fit(tr, new int[] {1}).apply(tr, Storage.direct())) {
                assertEquals(1f, only.feature(0, 0), "unselected feature untouched");
                assertEquals(0f, only.feature(0, 1), 1e-6f);
            }
        }
    }
}
