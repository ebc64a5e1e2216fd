package org.cerebro.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cerebro.exec.Checkpoint;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.train.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint files and catalog values detect every kind of damage instead of trusting it. */
class CheckpointStoreTest {
    @Test
    void aCheckpointReadsBackAndEveryDamageIsDetected(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        byte[] payload = new byte[10_000];
        new java.util.Random(1).nextBytes(payload);
        Checkpoint ref = store.write("a.ckpt", payload);
        assertArrayEquals(payload, store.read(ref));
        assertEquals(payload.length + CheckpointStore.HEADER_BYTES, Files.size(dir.resolve("a.ckpt")));

        byte[] flipped = Files.readAllBytes(dir.resolve("a.ckpt"));
        flipped[5_000] ^= 1;
        Files.write(dir.resolve("a.ckpt"), flipped);
        CorruptCheckpointException crc = assertThrows(CorruptCheckpointException.class, () -> store.read(ref));
        assertTrue(crc.getMessage().contains("crc32c="), crc.getMessage());

        Files.write(dir.resolve("a.ckpt"), java.util.Arrays.copyOf(flipped, 3_000));
        CorruptCheckpointException torn = assertThrows(CorruptCheckpointException.class, () -> store.read(ref));
        assertTrue(torn.getMessage().contains("payload length=2980 header says 10000 catalog says 10000"),
            torn.getMessage());

        Files.delete(dir.resolve("a.ckpt"));
        CorruptCheckpointException missing = assertThrows(CorruptCheckpointException.class, () -> store.read(ref));
        assertTrue(missing.getMessage().contains("a.ckpt: cannot read"), missing.getMessage());

        Checkpoint other = store.write("b.ckpt", new byte[] {1, 2, 3});
        CorruptCheckpointException wrongRef = assertThrows(CorruptCheckpointException.class,
            () -> store.read(new Checkpoint("b.ckpt", 3, other.crc32c() + 1)));
        assertTrue(wrongRef.getMessage().contains("catalog says"), wrongRef.getMessage());
    }

    @Test
    void temporaryFilesOfAKilledWriteAreDroppedOnOpen(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("t1-e1-r1-7.ckpt.tmp"), new byte[] {1, 2});
        new CheckpointStore(dir);
        assertFalse(Files.exists(dir.resolve("t1-e1-r1-7.ckpt.tmp")));
    }

    @Test
    void catalogValuesRoundTripAndDamagedOnesDecodeToNull() {
        EpochOutcome outcome = new EpochOutcome(3, 2, new Metrics(0.5, 0.9, Map.of("f1", 0.8)), 0.7, null,
            List.of(2, 0, 1));
        org.cerebro.space.Config config = org.cerebro.space.Config.of(Map.of("hidden", 4L, "lr", 0.1f, "act",
            java.time.DayOfWeek.MONDAY, "bias", true));
        org.cerebro.space.Config start = org.cerebro.space.Config.of(Map.of("hidden", 2L, "lr", 0.3f));
        TrialRecord record = new TrialRecord(7, 3, start, config, 42, "running", 2, List.of(1), 12.5, 7,
            new Checkpoint("t3.ckpt", 100, 0xCAFE), List.of(outcome,
            new EpochOutcome(3, 3, null, Double.NaN, "training loss=NaN", List.of(0))), new TrialRecord.Adoption(5, 2));
        assertEquals(record, CatalogCodec.decodeTrial(CatalogCodec.encode(record)));
        assertEquals(Float.class, CatalogCodec.decodeTrial(CatalogCodec.encode(record)).config().values().get("lr")
            .getClass(), "a Float stays a Float in the catalog");
        assertEquals(outcome, CatalogCodec.decodeOutcome(CatalogCodec.encode(outcome)));
        byte[] bytes = CatalogCodec.encode(record);
        for (int i = 0; i < bytes.length; i += 7) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x10;
            assertNull(CatalogCodec.decodeTrial(damaged), "flipped byte " + i);
        }
        assertNull(CatalogCodec.decodeTrial(java.util.Arrays.copyOf(bytes, bytes.length - 1)));
        assertNull(CatalogCodec.decodeOutcome(bytes), "a trial record is not an outcome");
    }

    @Test
    void aTrialRecordOfTheVersionBeforeTakeoversStillReads() {
        org.cerebro.space.Config config = org.cerebro.space.Config.of(Map.of("lr", 0.1));
        TrialRecord now = new TrialRecord(1, 2, config, config, 9, "running", 1, List.of(), 0, 3, null, List.of(), null);
        byte[] v3 = CatalogCodec.encode(now);
        int trailer = 4 + 4 + config.toBytes().length + 1; // start config (length, bytes), no adoption, then the CRC
        java.nio.ByteBuffer v2 = java.nio.ByteBuffer.allocate(v3.length - trailer + 4);
        v2.put(v3, 0, v3.length - trailer).putInt(4, 2); // version 2: the fields before the start config
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(v2.array(), 0, v2.capacity() - 4);
        v2.putInt(v2.capacity() - 4, (int) crc.getValue());
        assertEquals(now, CatalogCodec.decodeTrial(v2.array()), "a version-2 record: its config is its start config");
    }
}
