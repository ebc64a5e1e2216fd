package org.cerebro.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Mini-batches from an off-heap table: contents, last-batch policy, gather. */
class BatchAssemblerTest {

    @Test
    void sequentialBatchesHoldTheRecordsInOrderWithAPartialLastBatch() {
        try (Dataset data = PartitionPropertiesTest.table(10, 3, 5)) {
            BatchAssembler batch = new BatchAssembler(4, 3);
            assertEquals(3, LastBatch.PARTIAL.batches(10, 4));
            int seen = 0;
            for (int b = 0; b < 3; b++) {
                int n = batch.assemble(data, b, LastBatch.PARTIAL);
                assertEquals(b < 2 ? 4 : 2, n);
                assertEquals(n * 3 * Float.BYTES, batch.features().remaining());
                assertEquals(n * Integer.BYTES, batch.labels().remaining());
                for (int i = 0; i < n; i++) {
                    int row = b * 4 + i;
                    assertEquals(data.label(row), batch.label(i));
                    assertEquals(data.label(row), batch.labels().getInt(i * Integer.BYTES));
                    for (int c = 0; c < 3; c++) {
                        assertEquals(data.feature(row, c), batch.feature(i, c));
                        assertEquals(data.feature(row, c), batch.features().getFloat((i * 3 + c) * Float.BYTES));
                    }
                    seen++;
                }
            }
            assertEquals(10, seen, "PARTIAL sees every record once");
        }
    }

    @Test
    void dropPolicySkipsTheLeftoverRecords() {
        try (Dataset data = PartitionPropertiesTest.table(10, 2, 5)) {
            BatchAssembler batch = new BatchAssembler(4, 2);
            assertEquals(2, LastBatch.DROP.batches(10, 4));
            assertThrows(IndexOutOfBoundsException.class, () -> batch.assemble(data, 2, LastBatch.DROP));
        }
    }

    @Test
    void gatherFollowsTheGivenOrder() {
        try (Dataset data = PartitionPropertiesTest.table(20, 2, 5)) {
            BatchAssembler batch = new BatchAssembler(8, 2);
            int[] order = Shuffle.permutation(20, 11);
            batch.gather(data, order, 8, 8);
            for (int i = 0; i < 8; i++) {
                assertEquals(data.feature(order[8 + i], 0), batch.feature(i, 0));
                assertEquals(data.label(order[8 + i]), batch.label(i));
            }
        }
    }

    @Test
    void widthMismatchAndBadRowsAreRejected() {
        try (Dataset data = PartitionPropertiesTest.table(5, 2, 5)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BatchAssembler(4, 3).assemble(data, 0, LastBatch.PARTIAL));
            assertEquals(true, e.getMessage().contains("featureWidth=2 expected=3"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class,
                () -> new BatchAssembler(4, 2).gather(data, new int[] {0, 9}, 0, 2));
        }
    }
}
