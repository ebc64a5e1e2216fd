package org.cerebro.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;

/**
 * A pure-Java classifier with no native engine: multinomial logistic regression, or a
 * one-hidden-layer ReLU network when {@link #HIDDEN} is positive, trained by mini-batch SGD with
 * momentum (PyTorch's rule: {@code v = momentum * v + g; w -= lr * v}) and L2 weight decay on the
 * weights. Fast enough for downstream unit tests to run whole searches in well under a second on
 * small data; the executors' tests use it too.
 *
 * <p>Hyperparameters are read from the config by name, each with a default when absent:
 * {@link #LEARNING_RATE} (0.05), {@link #BATCH_SIZE} (32), {@link #HIDDEN} (0), {@link #MOMENTUM}
 * (0.9), {@link #L2} (0). The constants below are usable as they are in a search space.
 *
 * <p>Stateless and thread-safe; its states are not.
 */
public final class MlpTrainable implements Trainable {
    /** Learning rate. */
    public static final HParam<Double> LEARNING_RATE = HParam.logUniform("lr", 1e-3, 1.0);
    /** Mini-batch size. */
    public static final HParam<Integer> BATCH_SIZE = HParam.choice("batch_size", 16, 32, 64, 128);
    /** Hidden units; 0 means no hidden layer (logistic regression). */
    public static final HParam<Integer> HIDDEN = HParam.choice("hidden", 0, 16, 32, 64, 128);
    /** SGD momentum. */
    public static final HParam<Double> MOMENTUM = HParam.uniform("momentum", 0.0, 0.99);
    /** L2 weight decay. */
    public static final HParam<Double> L2 = HParam.logUniform("l2", 1e-6, 1e-2);

    static final int MAGIC = 0x434D4C50; // "CMLP"
    static final int VERSION = 1;

    @Override
    public String name() {
        return "mlp-java";
    }

    /** Its states train data-parallel: see {@link GradientStep}. */
    @Override
    public boolean dataParallel() {
        return true;
    }

    @Override
    public TrainableState init(Config config, long seed, DataSpec data) {
        MlpState state = new MlpState(Settings.of(config), data.featureWidth(), hidden(config), data.numClasses());
        state.initialize(new SplittableRandom(seed));
        return state;
    }

    /** Its weights: the multiply-adds per record of a pass, forward and backward alike. */
    @Override
    public double epochCost(Config config, DataSpec data) {
        int hidden = hidden(config);
        return hidden == 0 ? (double) data.featureWidth() * data.numClasses()
            : (double) data.featureWidth() * hidden + (double) hidden * data.numClasses();
    }

    @Override
    public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            StateHeader.check(in, MAGIC, VERSION, name());
            int inputs = in.readInt();
            int hidden = in.readInt();
            int classes = in.readInt();
            if (inputs != data.featureWidth() || classes != data.numClasses() || hidden != hidden(config)) {
                throw new IllegalArgumentException(name() + " state shape inputs=" + inputs + " hidden=" + hidden
                    + " classes=" + classes + " expected inputs=" + data.featureWidth() + " hidden=" + hidden(config)
                    + " classes=" + data.numClasses());
            }
            MlpState state = new MlpState(Settings.of(config), inputs, hidden, classes);
            state.read(in);
            if (in.read() != -1) {
                throw new IllegalArgumentException(name() + " state has trailing bytes: length=" + bytes.length
                    + " expected=" + state.toBytes().length);
            }
            return state;
        } catch (IOException e) {
            throw new IllegalArgumentException(name() + " state is truncated: length=" + bytes.length, e);
        }
    }

    private static int hidden(Config config) {
        int hidden = config.getOrDefault(HIDDEN, 0);
        if (hidden < 0) {
            throw new IllegalArgumentException("hyperparameter hidden=" + hidden + " expected>=0");
        }
        return hidden;
    }

    /** The optimizer settings of one trial. */
    record Settings(double learningRate, int batchSize, double momentum, double l2) {
        static Settings of(Config config) {
            double lr = config.getOrDefault(LEARNING_RATE, 0.05);
            int batch = config.getOrDefault(BATCH_SIZE, 32);
            double momentum = config.getOrDefault(MOMENTUM, 0.9);
            double l2 = config.getOrDefault(L2, 0.0);
            if (!(lr > 0) || batch < 1 || momentum < 0 || momentum >= 1 || l2 < 0) {
                throw new IllegalArgumentException("config " + config.canonical() + ": expected lr>0, batch_size>=1,"
                    + " 0<=momentum<1, l2>=0; got lr=" + lr + " batch_size=" + batch + " momentum=" + momentum + " l2=" + l2);
            }
            return new Settings(lr, batch, momentum, l2);
        }
    }

    /**
     * Parameters, momentum buffers and scratch space of one trial. It trains data-parallel too
     * ({@link GradientStep}): the gradient is one flat array (w1, b1, w2, b2), summed over records,
     * and one step applies it exactly as a {@link #trainPass} batch does.
     */
    static final class MlpState implements TrainableState, GradientStep {
        private final Settings settings;
        private final int inputs;
        private final int hidden;
        private final int classes;
        private final int outInputs;  // inputs of the output layer: hidden, or inputs without a hidden layer
        // parameters and their momentum buffers (the state that hops)
        private final float[] w1;
        private final float[] b1;
        private final float[] w2;
        private final float[] b2;
        private final float[] vw1;
        private final float[] vb1;
        private final float[] vw2;
        private final float[] vb2;
        private long steps;
        // scratch, not part of the state: the gradient, flat (w1, b1, w2, b2), summed over a batch
        private final float[] grad;
        private final int gw1;
        private final int gb1;
        private final int gw2;
        private final int gb2;
        private final float[] x;
        private final float[] a;
        private final float[] da;
        private final double[] p;

        MlpState(Settings settings, int inputs, int hidden, int classes) {
            this.settings = settings;
            this.inputs = inputs;
            this.hidden = hidden;
            this.classes = classes;
            this.outInputs = hidden > 0 ? hidden : inputs;
            w1 = new float[hidden * inputs];
            b1 = new float[hidden];
            w2 = new float[classes * outInputs];
            b2 = new float[classes];
            vw1 = new float[w1.length];
            vb1 = new float[b1.length];
            vw2 = new float[w2.length];
            vb2 = new float[b2.length];
            grad = new float[w1.length + b1.length + w2.length + b2.length];
            gw1 = 0;
            gb1 = w1.length;
            gw2 = gb1 + b1.length;
            gb2 = gw2 + w2.length;
            x = new float[inputs];
            a = new float[hidden];
            da = new float[hidden];
            p = new double[classes];
        }

        void initialize(SplittableRandom random) {
            glorot(w1, inputs, hidden, random);
            glorot(w2, outInputs, classes, random);
        }

        private static void glorot(float[] w, int fanIn, int fanOut, SplittableRandom random) {
            double limit = Math.sqrt(6.0 / (fanIn + fanOut));
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextDouble(-limit, limit);
            }
        }

        @Override
        public double trainPass(Dataset partition) {
            checkShape(partition);
            int n = partition.size();
            int batch = settings.batchSize();
            double lossSum = 0;
            for (int start = 0; start < n; start += batch) {
                int end = Math.min(n, start + batch);
                java.util.Arrays.fill(grad, 0f);
                lossSum = accumulate(partition, start, end, grad, lossSum);
                step(grad, end - start);
            }
            return lossSum / n;
        }

        @Override
        public int batchSize() {
            return settings.batchSize();
        }

        @Override
        public int gradientLength() {
            return grad.length;
        }

        @Override
        public double accumulate(Dataset data, int from, int to, float[] gradient) {
            return accumulate(data, from, to, gradient, 0);
        }

        /** {@link #accumulate}, adding the losses to {@code lossSum}: a pass sums them record by record. */
        private double accumulate(Dataset data, int from, int to, float[] gradient, double lossSum) {
            checkShape(data);
            if (gradient.length != grad.length) {
                throw new IllegalArgumentException("gradient length=" + gradient.length + " expected " + grad.length);
            }
            for (int row = from; row < to; row++) {
                data.copyFeatures(row, x);
                lossSum += forward(x, data.label(row));
                backward(data.label(row), gradient);
            }
            return lossSum;
        }

        @Override
        public void apply(float[] gradient, int records) {
            step(gradient, records);
        }

        @Override
        public Metrics evaluate(Dataset validation) {
            checkShape(validation);
            double lossSum = 0;
            long correct = 0;
            for (int row = 0; row < validation.size(); row++) {
                validation.copyFeatures(row, x);
                int label = validation.label(row);
                lossSum += forward(x, label);
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                correct += best == label ? 1 : 0;
            }
            return Metrics.of(lossSum / validation.size(), correct / (double) validation.size());
        }

        /** The class of highest probability for each record (the same forward pass as {@link #evaluate}). */
        @Override
        public int[] predict(Dataset data) {
            checkShape(data);
            int[] predicted = new int[data.size()];
            for (int row = 0; row < data.size(); row++) {
                data.copyFeatures(row, x);
                forward(x, 0);
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                predicted[row] = best;
            }
            return predicted;
        }

        /** Forward pass of one record into {@code a} and {@code p}; returns its cross-entropy loss. */
        private double forward(float[] input, int label) {
            float[] layerInput = input;
            if (hidden > 0) {
                for (int j = 0; j < hidden; j++) {
                    float sum = b1[j];
                    int row = j * inputs;
                    for (int i = 0; i < inputs; i++) {
                        sum += w1[row + i] * input[i];
                    }
                    a[j] = Math.max(0f, sum);
                }
                layerInput = a;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                float sum = b2[c];
                int row = c * outInputs;
                for (int i = 0; i < outInputs; i++) {
                    sum += w2[row + i] * layerInput[i];
                }
                p[c] = sum;
                max = Math.max(max, sum);
            }
            double labelLogit = p[label];
            double total = 0;
            for (int c = 0; c < classes; c++) {
                p[c] = Math.exp(p[c] - max);
                total += p[c];
            }
            for (int c = 0; c < classes; c++) {
                p[c] /= total;
            }
            // exact log-softmax: a diverged model shows as an infinite or NaN loss, never a clamped one
            return max + Math.log(total) - labelLogit;
        }

        /** Adds the gradient of the record last passed forward to {@code g} (flat: w1, b1, w2, b2). */
        private void backward(int label, float[] g) {
            float[] layerInput = hidden > 0 ? a : x;
            if (hidden > 0) {
                java.util.Arrays.fill(da, 0f);
            }
            for (int c = 0; c < classes; c++) {
                float d = (float) (p[c] - (c == label ? 1 : 0));
                g[gb2 + c] += d;
                int row = c * outInputs;
                for (int i = 0; i < outInputs; i++) {
                    g[gw2 + row + i] += d * layerInput[i];
                    if (hidden > 0) {
                        da[i] += d * w2[row + i];
                    }
                }
            }
            for (int j = 0; j < hidden; j++) {
                if (a[j] <= 0f) {
                    continue;
                }
                float d = da[j];
                g[gb1 + j] += d;
                int row = j * inputs;
                for (int i = 0; i < inputs; i++) {
                    g[gw1 + row + i] += d * x[i];
                }
            }
        }

        /** One SGD-with-momentum step with {@code g} summed over {@code batchRecords} records. */
        private void step(float[] g, int batchRecords) {
            float scale = 1f / batchRecords;
            update(w1, g, gw1, vw1, scale, true);
            update(b1, g, gb1, vb1, scale, false);
            update(w2, g, gw2, vw2, scale, true);
            update(b2, g, gb2, vb2, scale, false);
            steps++;
        }

        private void update(float[] w, float[] g, int offset, float[] v, float scale, boolean decay) {
            float lr = (float) settings.learningRate();
            float momentum = (float) settings.momentum();
            float l2 = decay ? (float) settings.l2() : 0f;
            for (int i = 0; i < w.length; i++) {
                float gradient = g[offset + i] * scale + l2 * w[i];
                v[i] = momentum * v[i] + gradient;
                w[i] -= lr * v[i];
            }
        }

        private void checkShape(Dataset data) {
            if (data.featureWidth() != inputs || data.numClasses() > classes) {
                throw new IllegalArgumentException("source=" + data.name() + " featureWidth=" + data.featureWidth()
                    + " numClasses=" + data.numClasses() + " expected featureWidth=" + inputs + " numClasses<=" + classes);
            }
        }

        /** Steps taken (mini-batches), for tests and provenance. */
        long steps() {
            return steps;
        }

        @Override
        public byte[] toBytes() {
            int floats = 2 * (w1.length + b1.length + w2.length + b2.length);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(28 + 4 * floats);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                StateHeader.write(out, MAGIC, VERSION);
                out.writeInt(inputs);
                out.writeInt(hidden);
                out.writeInt(classes);
                out.writeLong(steps);
                for (float[] array : new float[][] {w1, b1, w2, b2, vw1, vb1, vw2, vb2}) {
                    for (float f : array) {
                        out.writeFloat(f);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        void read(DataInputStream in) throws IOException {
            steps = in.readLong();
            for (float[] array : new float[][] {w1, b1, w2, b2, vw1, vb1, vw2, vb2}) {
                for (int i = 0; i < array.length; i++) {
                    array[i] = in.readFloat();
                }
            }
        }

        @Override
        public void close() {
            // heap arrays only: nothing to free
        }
    }
}
