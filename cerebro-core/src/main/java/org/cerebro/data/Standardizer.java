package org.cerebro.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-feature standardisation, {@code (x - mean) / std}, with statistics fitted on training data
 * only and then applied to training, validation and test data alike. A feature that is constant in
 * the training data keeps std 1, so it is only centred.
 *
 * <p>Immutable and thread-safe.
 */
public final class Standardizer {
    private final double[] mean;
    private final double[] std;
    private final boolean[] selected;

    private Standardizer(double[] mean, double[] std, boolean[] selected) {
        this.mean = mean;
        this.std = std;
        this.selected = selected;
    }

    /** Fits every feature of {@code train}. */
    public static Standardizer fit(Dataset train) {
        int[] all = new int[train.featureWidth()];
        Arrays.setAll(all, i -> i);
        return fit(train, all);
    }

    /**
     * Fits only the listed features (e.g. {@link CsvEncoder#numericFeatures()}, leaving one-hot
     * columns as they are).
     */
    public static Standardizer fit(Dataset train, int[] features) {
        Objects.requireNonNull(train, "train");
        int width = train.featureWidth();
        boolean[] selected = new boolean[width];
        for (int f : features) {
            Objects.checkIndex(f, width);
            selected[f] = true;
        }
        double[] sum = new double[width];
        double[] sumSquares = new double[width];
        float[] row = new float[width];
        for (int r = 0; r < train.size(); r++) {
            train.copyFeatures(r, row);
            for (int c = 0; c < width; c++) {
                sum[c] += row[c];
                sumSquares[c] += (double) row[c] * row[c];
            }
        }
        double n = train.size();
        double[] mean = new double[width];
        double[] std = new double[width];
        for (int c = 0; c < width; c++) {
            mean[c] = sum[c] / n;
            double variance = Math.max(0, sumSquares[c] / n - mean[c] * mean[c]);
            std[c] = variance > 1e-12 ? Math.sqrt(variance) : 1.0;
        }
        return new Standardizer(mean, std, selected);
    }

    /** The fitted mean of feature {@code c}. */
    public double mean(int c) {
        return mean[c];
    }

    /** The fitted standard deviation of feature {@code c} (1 for a constant feature). */
    public double std(int c) {
        return std[c];
    }

    /** A standardised copy of {@code data} in {@code storage}. */
    public Dataset apply(Dataset data, Storage storage) {
        if (data.featureWidth() != mean.length) {
            throw new IllegalArgumentException("source=" + data.name() + " featureWidth=" + data.featureWidth()
                + " expected=" + mean.length + " (the width this standardizer was fitted on)");
        }
        DatasetBuilder builder = new DatasetBuilder(data.name() + "/standardized", data.featureWidth(),
            data.numClasses(), data.size(), data.featureNames(), storage);
        float[] row = new float[data.featureWidth()];
        for (int r = 0; r < data.size(); r++) {
            data.copyFeatures(r, row);
            for (int c = 0; c < row.length; c++) {
                if (selected[c]) {
                    row[c] = (float) ((row[c] - mean[c]) / std[c]);
                }
            }
            builder.add(row, data.label(r), "row", r);
        }
        return builder.build();
    }
}
