package org.cerebro.store;

import java.io.IOException;
import java.nio.file.Path;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * The Chronicle Map behind a {@link DurableMap}. Loaded only after {@link ChronicleSettings#apply()}.
 */
final class ChronicleBytesMap {
    private ChronicleBytesMap() {
    }

    static ChronicleMap<String, byte[]> open(Path file, String name, long maxEntries, int averageKeyBytes,
                                             int averageValueBytes) throws IOException {
        return ChronicleMap.of(String.class, byte[].class)
            .name(name)
            .entries(maxEntries)
            .averageKeySize(averageKeyBytes)
            .averageValueSize(averageValueBytes)
            .createPersistedTo(file.toFile());
    }
}
