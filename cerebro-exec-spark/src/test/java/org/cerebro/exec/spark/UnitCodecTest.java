package org.cerebro.exec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitWork;
import org.cerebro.space.Config;
import org.cerebro.train.Metrics;
import org.cerebro.train.TrainableSpec;
import org.junit.jupiter.api.Test;

/** The unit job payloads: every field round-trips, and damaged bytes are an error naming what is wrong. */
class UnitCodecTest {
    @Test
    void aSearchAUnitAndAReplyRoundTrip() {
        UnitCodec.Search search = new UnitCodec.Search(new TrainableSpec("djl", Map.of("model", "mlp", "x", "é")),
            784, 10, 1L << 33, new String[] {"a".repeat(64), "b".repeat(64)}, "c".repeat(64));
        UnitCodec.Search back = UnitCodec.search(UnitCodec.search(search));
        assertEquals(search.spec(), back.spec());
        assertEquals(search.residentBytes(), back.residentBytes());
        assertArrayEquals(search.partitionHashes(), back.partitionHashes());
        assertEquals(search.validationHash(), back.validationHash());

        Config config = Config.of(Map.of("lr", 0.1, "hidden", 32, "sgd", true));
        UnitWork work = new UnitWork(7, 3, 1, config, 99, new TrialState.Bytes(new byte[] {1, 2, 3}), true);
        UnitCodec.Unit unit = UnitCodec.unit(UnitCodec.unit(work));
        assertEquals(7, unit.trialId());
        assertEquals(3, unit.epoch());
        assertEquals(1, unit.partition());
        assertTrue(unit.evaluate());
        assertEquals(99, unit.trialSeed());
        assertEquals(config, Config.fromBytes(unit.config(), getClass().getClassLoader()));
        assertArrayEquals(new byte[] {1, 2, 3}, unit.state());
        assertNull(unit.place());
        assertArrayEquals(new int[] {0, 2}, UnitCodec.unit(UnitCodec.place(new int[] {0, 2})).place());

        UnitCodec.Reply reply = new UnitCodec.Reply(UnitCodec.Outcome.TRAINED, 0.25,
            new Metrics(0.5, 0.9, Map.of("f1", 0.8)), null, new byte[] {4, 5}, "3", 1, 1234);
        UnitCodec.Reply replyBack = UnitCodec.reply(UnitCodec.reply(reply));
        assertEquals(reply.metrics(), replyBack.metrics());
        assertEquals("3", replyBack.executorId());
        assertEquals(1, replyBack.tablesLoaded());
        assertArrayEquals(new byte[] {4, 5}, replyBack.state());
        assertNull(replyBack.message());
    }

    @Test
    void aLiveStateCannotTravel() {
        Config config = Config.of(Map.of("lr", 0.1));
        UnitWork work = new UnitWork(1, 1, 0, config, 1, new TrialState.Live(new org.cerebro.train.MlpTrainable()
            .init(config, 1, new org.cerebro.train.DataSpec(2, 2))), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnitCodec.unit(work));
        assertTrue(e.getMessage().contains("as bytes"), e.getMessage());
    }

    @Test
    void damagedPayloadsAreRefusedNamingTheField() {
        byte[] reply = UnitCodec.reply(new UnitCodec.Reply(UnitCodec.Outcome.TRIAL_FAILED, Double.NaN, null,
            "boom", new byte[100], "1", 0, 1));
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
            () -> UnitCodec.reply(Arrays.copyOf(reply, reply.length - 20)));
        assertTrue(truncated.getMessage().contains("reply payload") && truncated.getMessage().contains("state length"),
            truncated.getMessage());
        byte[] trailing = Arrays.copyOf(reply, reply.length + 3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UnitCodec.reply(trailing)).getMessage()
            .contains("3 trailing bytes"));
        byte[] otherVersion = reply.clone();
        otherVersion[3] = 9;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UnitCodec.reply(otherVersion)).getMessage()
            .contains("version=9 expected 1"));
        byte[] hugeCount = UnitCodec.place(new int[] {1});
        hugeCount[11] = 0x7f; // partitions count
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UnitCodec.unit(hugeCount)).getMessage()
            .contains("partitions count="));
    }

    @Test
    void artifactNamesIgnoreVersions() {
        assertEquals("guava", SparkOnOneMachine.artifact("guava-33.8.0-jre.jar"));
        assertEquals("spark-core_2.13", SparkOnOneMachine.artifact("spark-core_2.13-4.0.1.jar"));
        assertEquals("pytorch-native-cpu", SparkOnOneMachine.artifact("pytorch-native-cpu-2.7.1-linux-x86_64.jar"));
    }
}
