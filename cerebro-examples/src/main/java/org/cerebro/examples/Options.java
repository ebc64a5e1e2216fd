package org.cerebro.examples;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command-line options the examples share: {@code --name value} pairs, each at most once,
 * unknown names refused with the list of known ones.
 */
final class Options {
    private final Map<String, String> values = new HashMap<>();

    Options(String[] args, Set<String> known) {
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--") || !known.contains(name.substring(2))) {
                throw new IllegalArgumentException("unknown option=" + name + " expected one of --" + String.join(", --", known));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option=" + name + " expects a value");
            }
            if (values.put(name.substring(2), args[++i]) != null) {
                throw new IllegalArgumentException("option=" + name + " given twice");
            }
        }
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String get(String name) {
        return values.get(name);
    }

    int getInt(String name, int fallback) {
        String value = values.get(name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option=--" + name + " expected an integer got=" + value);
        }
    }

    long getLong(String name, long fallback) {
        String value = values.get(name);
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option=--" + name + " expected an integer got=" + value);
        }
    }
}
