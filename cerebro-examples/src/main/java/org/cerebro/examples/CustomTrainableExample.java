package org.cerebro.examples;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * Bring your own model: a {@link Trainable} written here in plain Java, no native engine. It is
 * softmax regression trained by mini-batch SGD with an L2 penalty; its state (weights and the
 * step count) serializes to bytes in a versioned format of its own, which is all Cerebro needs
 * to hop it between workers, pause it and checkpoint it. Searched over MNIST with the local
 * executor.
 *
 * <pre>
 * java @jvm.options -cp ... org.cerebro.examples.CustomTrainableExample [--strategy random] [--trials 6]
 *     [--epochs 3] [--train-records 12000] [--workers N] [--seed 3] [--data DIR] [--experiment-dir DIR]
 *     [--report FILE.html] [--summary-json FILE]
 * </pre>
 */
public final class CustomTrainableExample {
    private CustomTrainableExample() {
    }

    /** Softmax regression; hyperparameters {@code lr}, {@code l2}, {@code batch_size}. */
    public static final class SoftmaxRegression implements Trainable {
        static final HParam<Double> LR = HParam.logUniform("lr", 1e-3, 1.0);
        static final HParam<Double> L2 = HParam.logUniform("l2", 1e-6, 1e-2);
        static final HParam<Integer> BATCH = HParam.choice("batch_size", 32, 64, 128);
        private static final int FORMAT = 1;

        /** Needs nothing: a no-argument constructor is what cluster workers build it with. */
        public SoftmaxRegression() {
        }

        @Override
        public String name() {
            return "softmax-regression";
        }

        @Override
        public TrainableState init(Config config, long seed, DataSpec data) {
            float[] weights = new float[(data.featureWidth() + 1) * data.numClasses()];
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) (random.nextGaussian() * 0.01);
            }
            return new State(config, data, weights);
        }

        @Override
        public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                int format = in.readInt();
                int length = in.readInt();
                if (format != FORMAT || length != (data.featureWidth() + 1) * data.numClasses()) {
                    throw new IllegalArgumentException(name() + " state format=" + format + " weights=" + length
                        + " expected format=" + FORMAT + " weights=" + (data.featureWidth() + 1) * data.numClasses());
                }
                float[] weights = new float[length];
                for (int i = 0; i < length; i++) {
                    weights[i] = in.readFloat();
                }
                return new State(config, data, weights);
            } catch (IOException e) {
                throw new UncheckedIOException("truncated " + name() + " state of " + bytes.length + " bytes", e);
            }
        }

        /** Weights (features + bias) x classes, row-major by class. */
        private static final class State implements TrainableState {
            private final DataSpec data;
            private final float[] weights;
            private final float lr;
            private final float l2;
            private final int batch;

            State(Config config, DataSpec data, float[] weights) {
                this.data = data;
                this.weights = weights;
                this.lr = config.get(LR).floatValue();
                this.l2 = config.get(L2).floatValue();
                this.batch = config.get(BATCH);
            }

            private void probabilities(float[] x, float[] p) {
                int width = data.featureWidth();
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < p.length; c++) {
                    int row = c * (width + 1);
                    float z = weights[row + width];
                    for (int j = 0; j < width; j++) {
                        z += weights[row + j] * x[j];
                    }
                    p[c] = z;
                    max = Math.max(max, z);
                }
                float sum = 0;
                for (int c = 0; c < p.length; c++) {
                    p[c] = (float) Math.exp(p[c] - max);
                    sum += p[c];
                }
                for (int c = 0; c < p.length; c++) {
                    p[c] /= sum;
                }
            }

            @Override
            public double trainPass(Dataset partition) {
                int width = data.featureWidth();
                int classes = data.numClasses();
                float[] x = new float[width];
                float[] p = new float[classes];
                float[] gradient = new float[weights.length];
                double loss = 0;
                for (int start = 0; start < partition.size(); start += batch) {
                    int end = Math.min(partition.size(), start + batch);
                    java.util.Arrays.fill(gradient, 0);
                    for (int row = start; row < end; row++) {
                        partition.copyFeatures(row, x);
                        probabilities(x, p);
                        int label = partition.label(row);
                        loss -= Math.log(Math.max(p[label], 1e-12f));
                        for (int c = 0; c < classes; c++) {
                            float error = p[c] - (c == label ? 1 : 0);
                            int base = c * (width + 1);
                            for (int j = 0; j < width; j++) {
                                gradient[base + j] += error * x[j];
                            }
                            gradient[base + width] += error;
                        }
                    }
                    float scale = lr / (end - start);
                    for (int i = 0; i < weights.length; i++) {
                        weights[i] -= scale * gradient[i] + lr * l2 * weights[i];
                    }
                }
                return loss / partition.size();
            }

            @Override
            public Metrics evaluate(Dataset validation) {
                float[] x = new float[data.featureWidth()];
                float[] p = new float[data.numClasses()];
                double loss = 0;
                int correct = 0;
                for (int row = 0; row < validation.size(); row++) {
                    validation.copyFeatures(row, x);
                    probabilities(x, p);
                    int label = validation.label(row);
                    loss -= Math.log(Math.max(p[label], 1e-12f));
                    int best = 0;
                    for (int c = 1; c < p.length; c++) {
                        best = p[c] > p[best] ? c : best;
                    }
                    correct += best == label ? 1 : 0;
                }
                return Metrics.of(loss / validation.size(), (double) correct / validation.size());
            }

            @Override
            public byte[] toBytes() {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + 4 * weights.length);
                try (DataOutputStream out = new DataOutputStream(bytes)) {
                    out.writeInt(FORMAT);
                    out.writeInt(weights.length);
                    for (float w : weights) {
                        out.writeFloat(w);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // in memory: cannot happen
                }
                return bytes.toByteArray();
            }

            @Override
            public void close() {
                // plain heap arrays: nothing to free
            }
        }
    }

    public static void main(String[] args) {
        ExampleRun run = new ExampleRun(args, "train-records");
        Path dataDir = run.mnistData();
        try (Mnist data = new Mnist(dataDir, run.options.getInt("train-records", 12_000), 3)) {
            SearchSpace space = SearchSpace.of(SoftmaxRegression.LR, SoftmaxRegression.L2, SoftmaxRegression.BATCH);
            run.run(run.configure(Cerebro.search(space)
                .trainable(new SoftmaxRegression())
                .data(data.train(), data.validation())
                .test(data.test())
                .strategy(run.strategy("random", run.epochs(3), run.trials(6)))
                .objective(Objective.maximize("accuracy")), 3).build());
        }
    }
}
