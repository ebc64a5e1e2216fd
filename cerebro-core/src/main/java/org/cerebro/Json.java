package org.cerebro;

import java.util.Locale;
import org.cerebro.space.Config;

/** Minimal JSON output: escaped strings, and numbers with non-finite values as null. */
final class Json {
    private Json() {
    }

    static String string(String text) {
        return text == null ? "null" : Config.format(text);
    }

    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "null";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.valueOf((long) value);
        }
        return String.valueOf(value);
    }

    static String value(Object value) {
        if (value instanceof Double d) {
            return number(d);
        }
        if (value instanceof Float f) {
            return number(f);
        }
        return Config.format(value);
    }

    static String fixed(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : String.valueOf(value);
    }
}
