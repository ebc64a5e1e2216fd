package org.cerebro.report;

import java.util.Locale;

/**
 * Numbers for people: three significant digits, plain between 0.001 and 10,000, otherwise in
 * scientific notation ({@code 7.33e-4}); integers as they are. Exports (JSON, CSV) keep every
 * digit; tables and charts use this. Stateless.
 */
public final class Format {
    private Format() {
    }

    /** {@code value} with three significant digits. */
    public static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.isNaN(value) ? "-" : value > 0 ? "∞" : "-∞";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e6) {
            return Long.toString((long) value);
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1e4 || magnitude < 1e-3) {
            String text = String.format(Locale.ROOT, "%.2e", value);
            return text.replace("e-0", "e-").replace("e+0", "e").replace("e+", "e");
        }
        int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(magnitude)));
        String text = String.format(Locale.ROOT, "%." + decimals + "f", value);
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }

    /** A hyperparameter value for a table: floating-point numbers with three significant digits, the rest as written. */
    public static String value(Object value) {
        if (value instanceof Double d) {
            return number(d);
        }
        if (value instanceof Float f) {
            return number(f);
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        return String.valueOf(value);
    }

    /** A config for people: {@code name=value} pairs, values as {@link #value} writes them. */
    public static String config(org.cerebro.space.Config config) {
        StringBuilder out = new StringBuilder();
        config.values().forEach((name, v) -> out.append(out.isEmpty() ? "" : ", ").append(name).append('=')
            .append(value(v)));
        return out.toString();
    }

    /** Seconds as people read them: {@code 850 ms}, {@code 12.3 s}, {@code 4 min 05 s}. */
    public static String seconds(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "-";
        }
        if (seconds < 1) {
            return String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
        }
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long whole = Math.round(seconds);
        return String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
    }
}
