package org.cerebro.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cerebro.jvm.JvmFlags;
import org.cerebro.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Chronicle-backed map: persistence across JVMs, analytics off, a clear error without flags. */
class DurableMapTest {

    /** Child JVM entry point: args[0] = file, args[1] = "put" or "get". */
    public static final class UseMap {
        public static void main(String[] args) {
            System.clearProperty("chronicle.analytics.disable");
            try (DurableMap map = DurableMap.open(Path.of(args[0]), 1000, 16, 64)) {
                if (args[1].equals("put")) {
                    map.put("trial-7", "epoch=3".getBytes(StandardCharsets.UTF_8));
                } else {
                    System.out.println("VALUE " + new String(map.get("trial-7"), StandardCharsets.UTF_8));
                }
                System.out.println("ANALYTICS_DISABLED " + System.getProperty("chronicle.analytics.disable"));
            } catch (IllegalStateException e) {
                System.out.println("ERROR " + e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void aRecoveringMapStartsSmallGrowsPastItsDeclaredEntriesAndReopens(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("catalog.cmap");
        List<String> corruptions = new java.util.ArrayList<>();
        try (DurableMap map = DurableMap.openRecovering(file, 1_000, 16, 512, corruptions)) {
            for (int i = 0; i < 20_000; i++) {
                map.put("outcome/" + i, new byte[300 + i % 400]);
            }
        }
        assertTrue(java.nio.file.Files.size(file) < 64L << 20, "file size " + java.nio.file.Files.size(file));
        try (DurableMap map = DurableMap.openRecovering(file, 1_000, 16, 512, corruptions)) {
            assertEquals(20_000, map.size());
            assertEquals(300 + 19_999 % 400, map.get("outcome/19999").length);
        }
        assertEquals(List.of(), corruptions, "a cleanly closed map recovers with nothing dropped");
    }

    @Test
    void aCleanlyClosedMapWithUpdatesAndRemovalsRecoversWithNothingReported(@TempDir Path dir) {
        // values that change size and keys that go away leave Chronicle's free-space hints behind
        // the segment's real state; recovery repairs the hints, and that is not damage
        Path file = dir.resolve("catalog.cmap");
        List<String> corruptions = new java.util.ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        java.util.Map<String, Integer> sizes = new java.util.HashMap<>();
        for (int reopen = 0; reopen < 20; reopen++) {
            try (DurableMap map = DurableMap.openRecovering(file, 4_000, 16, 512, corruptions)) {
                for (int i = 0; i < 100; i++) {
                    String key = "trial/" + random.nextInt(12) + "/" + random.nextInt(2);
                    if (random.nextInt(20) == 0) {
                        map.remove(key);
                        sizes.remove(key);
                    } else {
                        int size = 20 + random.nextInt(200);
                        map.put(key, new byte[size]);
                        sizes.put(key, size);
                    }
                }
            }
        }
        try (DurableMap map = DurableMap.openRecovering(file, 4_000, 16, 512, corruptions)) {
            assertEquals(sizes.size(), map.size());
            sizes.forEach((key, size) -> assertEquals(size, map.get(key).length, key));
        }
        assertEquals(List.of(), corruptions, "nothing was lost");
    }

    @Test
    void entriesSurviveReopening(@TempDir Path dir) {
        Path file = dir.resolve("catalog.dat");
        try (DurableMap map = DurableMap.open(file, 1000, 16, 64)) {
            map.put("a", new byte[] {1, 2, 3});
            map.put("b", new byte[] {4});
            map.put("b", new byte[] {5, 6});
            assertTrue(map.remove("a"));
        }
        try (DurableMap map = DurableMap.open(file, 1000, 16, 64)) {
            assertEquals(1, map.size());
            assertNull(map.get("a"));
            assertArrayEquals(new byte[] {5, 6}, map.get("b"));
            assertEquals(List.of("b"), map.keys());
        }
    }

    @Test
    void anotherJvmReadsWhatOneWroteWithAnalyticsDisabledInCode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("shared.dat");
        List<String> flags = JvmFlags.required();
        ChildJvm.Result put = ChildJvm.run(UseMap.class, e -> true, flags, Map.of(), file.toString(), "put");
        assertEquals(0, put.exitCode(), put.output());
        assertTrue(put.output().contains("ANALYTICS_DISABLED true"), put.output());
        ChildJvm.Result get = ChildJvm.run(UseMap.class, e -> true, flags, Map.of(), file.toString(), "get");
        assertEquals(0, get.exitCode(), get.output());
        assertTrue(get.output().contains("VALUE epoch=3"), get.output());
    }

    @Test
    void withoutTheFlagsOpeningListsThem(@TempDir Path dir) throws Exception {
        ChildJvm.Result result = ChildJvm.run(UseMap.class, e -> true, List.of(), Map.of(),
            dir.resolve("x.dat").toString(), "put");
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("ERROR Chronicle Map needs JVM flags"), result.output());
        for (String flag : JvmFlags.required()) {
            assertTrue(result.output().contains(flag), result.output());
        }
    }
}
