package org.cerebro.train;

import java.util.Map;
import java.util.TreeMap;

/**
 * What an evaluation measured: mean loss, accuracy in [0, 1], and any user-defined metrics.
 * Immutable.
 *
 * @param loss     mean loss over the evaluated records (NaN when it diverged)
 * @param accuracy share of records classified correctly
 * @param extra    user-defined metrics by name
 */
public record Metrics(double loss, double accuracy, Map<String, Double> extra) {
    /** Copies {@code extra}, sorted by name. */
    public Metrics {
        extra = Map.copyOf(new TreeMap<>(extra));
    }

    /** Loss and accuracy only. */
    public static Metrics of(double loss, double accuracy) {
        return new Metrics(loss, accuracy, Map.of());
    }

    /**
     * The metric called {@code name}: "loss", "accuracy", or a user-defined one.
     *
     * @throws IllegalArgumentException naming the metrics that exist
     */
    public double get(String name) {
        switch (name) {
            case "loss":
                return loss;
            case "accuracy":
                return accuracy;
            default:
                Double value = extra.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("metric=" + name + " is not measured: expected one of loss, accuracy"
                        + (extra.isEmpty() ? "" : ", " + String.join(", ", new TreeMap<>(extra).keySet())));
                }
                return value;
        }
    }

    /** Whether a metric called {@code name} is measured: loss, accuracy, or one of {@link #extra()}. */
    public boolean has(String name) {
        return name.equals("loss") || name.equals("accuracy") || extra.containsKey(name);
    }

    /** Whether the loss and every metric are finite numbers. */
    public boolean isFinite() {
        return Double.isFinite(loss) && Double.isFinite(accuracy)
            && extra.values().stream().allMatch(Double::isFinite);
    }
}
