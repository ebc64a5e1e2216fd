package org.cerebro.experiment;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What makes two searches the same search, as named lines ({@code space}, {@code strategy},
 * {@code objective}, {@code seed}, {@code trainable}, {@code partitions}, the data's content
 * fingerprints...). An experiment directory stores the fingerprint of the search that created it
 * and refuses any other, naming each line that differs with both values.
 *
 * @param lines name to value, in a stable order
 */
public record SearchFingerprint(Map<String, String> lines) {
    /** Copies the lines, keeping their order. */
    public SearchFingerprint {
        lines = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lines));
        for (Map.Entry<String, String> line : lines.entrySet()) {
            if (line.getKey().contains("=") || line.getKey().contains("\n") || line.getValue().contains("\n")) {
                throw new IllegalArgumentException("fingerprint line " + line + " must not hold '=' in its name nor"
                    + " line breaks");
            }
        }
    }

    /** One {@code name=value} per line. */
    public String text() {
        StringBuilder text = new StringBuilder();
        lines.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        return text.toString();
    }

    byte[] toBytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    static SearchFingerprint parse(byte[] bytes) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                lines.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new SearchFingerprint(lines);
    }

    /** Each line that differs, as {@code name: directory has 'a', this search has 'b'}. */
    List<String> differences(SearchFingerprint search) {
        List<String> differences = new ArrayList<>();
        java.util.Set<String> names = new java.util.LinkedHashSet<>(lines.keySet());
        names.addAll(search.lines.keySet());
        for (String name : names) {
            String stored = lines.get(name);
            String given = search.lines.get(name);
            if (!Objects.equals(stored, given)) {
                differences.add(name + ": directory has '" + stored + "', this search has '" + given + "'");
            }
        }
        return differences;
    }
}
