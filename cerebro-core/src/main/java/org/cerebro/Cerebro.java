package org.cerebro;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.cerebro.space.SearchSpace;

/**
 * The entry point: {@code Cerebro.search(space)} starts describing a search.
 *
 * @see SearchBuilder
 */
public final class Cerebro {
    private static final String VERSION = readVersion();

    private Cerebro() {
    }

    /** A search over {@code space}; see {@link SearchBuilder} for the rest. */
    public static SearchBuilder search(SearchSpace space) {
        return new SearchBuilder(space);
    }

    /** The library's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static String readVersion() {
        try (InputStream in = Cerebro.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
