package org.cerebro.report;

import java.util.Locale;
import org.cerebro.space.ValueType;

/**
 * Minimal JSON output for results and reports: escaped strings, numbers with non-finite values
 * as {@code null}, and hyperparameter values through {@link ValueType}, the one place that knows
 * how each value type is written. Stateless.
 */
public final class Json {
    private Json() {
    }

    /** {@code text} as a JSON string, or {@code null}. */
    public static String string(String text) {
        return text == null ? "null" : ValueType.quote(text);
    }

    /** {@code value} as a JSON number: integral values without a fraction, non-finite ones as {@code null}. */
    public static String number(double value) {
        if (!Double.isFinite(value)) {
            return "null";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.valueOf((long) value);
        }
        return String.valueOf(value);
    }

    /** A hyperparameter value as JSON, every digit kept. */
    public static String value(Object value) {
        return ValueType.toJson(value);
    }

    /** {@code value} with {@code decimals} decimals, for tables (not JSON): non-finite values as Java prints them. */
    public static String fixed(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : String.valueOf(value);
    }
}
