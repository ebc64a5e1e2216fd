package org.cerebro.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * The Chronicle Map behind a {@link DurableMap}. Loaded only after {@link ChronicleSettings#apply()}.
 */
final class ChronicleBytesMap {
    /**
     * How far a recoverable map may outgrow its declared entries: Chronicle adds segment tiers as
     * needed, so the file starts small and a large search still fits.
     */
    private static final double MAX_BLOAT = 50;

    /**
     * Chronicle's recovery reports, besides entries it drops, the bookkeeping it recomputes: free
     * space hints and counters that lag a segment's real state even after a clean close (the
     * lowest free chunk is a hint), and locks a killed writer held. These lose nothing; they are
     * logged at debug level, not reported as damage. Any other report counts as damage.
     */
    private static final List<String> REPAIRS_THAT_LOSE_NOTHING = List.of("wrong lowest free chunk",
        "wrong number of entries counter", "wrong first free tier index", "wrong number of actual tiers",
        "wrong segment index stored in tier counters", "stored tier in first tier", "stored segment index in first tier",
        "stored prev tier index in first tier", "lock of segment");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChronicleBytesMap.class);

    private ChronicleBytesMap() {
    }

    static ChronicleMap<String, byte[]> open(Path file, String name, long maxEntries, int averageKeyBytes,
                                             int averageValueBytes) throws IOException {
        return builder(name, maxEntries, averageKeyBytes, averageValueBytes).createPersistedTo(file.toFile());
    }

    /**
     * Opens an existing file through Chronicle's recovery, which repairs what a writer killed
     * mid-update left (held segment locks, counters) and drops entries whose checksum fails,
     * describing each to {@code corruptions} (repaired bookkeeping is not damage: see
     * {@link #REPAIRS_THAT_LOSE_NOTHING}); creates the file when absent. The map may grow to
     * {@value #MAX_BLOAT} times {@code maxEntries}.
     */
    static ChronicleMap<String, byte[]> recover(Path file, String name, long maxEntries, int averageKeyBytes,
                                                int averageValueBytes, List<String> corruptions) throws IOException {
        ChronicleMapBuilder<String, byte[]> builder = builder(name, maxEntries, averageKeyBytes, averageValueBytes);
        if (!Files.exists(file)) {
            return builder.maxBloatFactor(MAX_BLOAT).createPersistedTo(file.toFile());
        }
        return builder.maxBloatFactor(MAX_BLOAT).recoverPersistedTo(file.toFile(), false,
            (ChronicleHashCorruption corruption) -> {
                String message = corruption.message();
                String lower = message.toLowerCase(java.util.Locale.ROOT);
                if (REPAIRS_THAT_LOSE_NOTHING.stream().anyMatch(lower::startsWith)) {
                    LOG.debug("{}: recovery repaired: {}", file, message);
                } else {
                    corruptions.add(message);
                }
            });
    }

    private static ChronicleMapBuilder<String, byte[]> builder(String name, long maxEntries, int averageKeyBytes,
                                                              int averageValueBytes) {
        return ChronicleMap.of(String.class, byte[].class)
            .name(name)
            .entries(maxEntries)
            .averageKeySize(averageKeyBytes)
            .averageValueSize(averageValueBytes)
            .checksumEntries(true);
    }
}
