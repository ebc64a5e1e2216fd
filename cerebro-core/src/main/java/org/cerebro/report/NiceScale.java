package org.cerebro.report;

import java.util.ArrayList;
import java.util.List;

/**
 * An axis scale with round tick values (1, 2, 2.5 or 5 times a power of ten), covering a data
 * range: the "nice numbers" of Heckbert, Graphics Gems (1990). Immutable.
 *
 * @param low   the axis' low end, a tick
 * @param high  the axis' high end, a tick
 * @param step  the distance between ticks
 */
record NiceScale(double low, double high, double step) {
    /** A scale over {@code [min, max]} with about {@code ticks} ticks. */
    static NiceScale of(double min, double max, int ticks) {
        if (!(max > min)) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double step = nice((max - min) / Math.max(1, ticks - 1));
        return new NiceScale(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
    }

    private static double nice(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    /** The tick values, low to high. */
    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; low + i * step <= high + step * 1e-9; i++) {
            ticks.add(clean(low + i * step));
        }
        return ticks;
    }

    /** A tick value without floating-point dust (0.30000000000000004 becomes 0.3). */
    private double clean(double value) {
        double digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /** Where {@code value} falls, from 0 at {@link #low} to 1 at {@link #high}. */
    double fraction(double value) {
        return (value - low) / (high - low);
    }
}
