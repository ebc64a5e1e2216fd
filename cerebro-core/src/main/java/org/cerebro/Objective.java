package org.cerebro;

import org.cerebro.train.Metrics;

/**
 * The metric a search optimises and its direction. It turns metrics into a score where higher is
 * better, once, so strategies and leaderboards never care about the direction.
 *
 * @param metric   "accuracy", "loss" or a user-defined metric
 * @param maximize whether larger values of the metric are better
 */
public record Objective(String metric, boolean maximize) {
    /** Validates the metric name. */
    public Objective {
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("objective metric=\"" + metric + "\" expected a metric name");
        }
    }

    /** Larger is better, e.g. {@code maximize("accuracy")}. */
    public static Objective maximize(String metric) {
        return new Objective(metric, true);
    }

    /** Smaller is better, e.g. {@code minimize("loss")}. */
    public static Objective minimize(String metric) {
        return new Objective(metric, false);
    }

    /** The score of {@code metrics}: the metric, negated when minimising. */
    public double score(Metrics metrics) {
        double value = metrics.get(metric);
        return maximize ? value : -value;
    }

    /** The metric's value for a score. */
    public double metricOf(double score) {
        return maximize ? score : -score;
    }

    @Override
    public String toString() {
        return (maximize ? "maximize(" : "minimize(") + metric + ")";
    }
}
