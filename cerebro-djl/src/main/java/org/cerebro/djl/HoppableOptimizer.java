package org.cerebro.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An optimizer whose whole state (step count, Adam's moments, SGD's momentum buffers) can be
 * exported and imported, so a trial that hops between workers trains exactly as if it had not
 * moved. DJL's own optimizers keep that state private; these call the same native update
 * kernels with the same arguments as DJL's {@code Adam} and {@code Sgd}, so an uninterrupted run
 * matches DJL's to the bit.
 *
 * <p>Not thread-safe: belongs to one trial's state.
 */
abstract sealed class HoppableOptimizer permits HoppableOptimizer.Adam, HoppableOptimizer.Sgd {
    // DJL's OptimizerBuilder defaults: no gradient rescaling, no clipping
    private static final float RESCALE_GRAD = 1f;
    private static final float CLIP_GRAD = -1f;

    final TrainingSettings settings;
    final List<NDArray> state = new ArrayList<>();
    long steps;

    HoppableOptimizer(TrainingSettings settings) {
        this.settings = settings;
    }

    /** The optimizer for {@code settings}, its state zeroed, one set of arrays per weight. */
    static HoppableOptimizer create(TrainingSettings settings, List<NDArray> weights) {
        HoppableOptimizer optimizer = settings.optimizer().equals("adam") ? new Adam(settings) : new Sgd(settings);
        for (NDArray weight : weights) {
            for (int i = 0; i < optimizer.arraysPerWeight(); i++) {
                optimizer.state.add(weight.zerosLike());
            }
        }
        return optimizer;
    }

    abstract int arraysPerWeight();

    /** Updates each weight from its gradient; the native update zeroes the gradient after. */
    final void step(List<NDArray> weights) {
        steps++;
        for (int i = 0; i < weights.size(); i++) {
            NDArray weight = weights.get(i);
            try (NDArray gradient = weight.getGradient()) {
                update(i, weight, gradient);
            }
        }
    }

    abstract void update(int index, NDArray weight, NDArray gradient);

    /** Writes the step count and every state array's raw float32 bytes. */
    final void write(DataOutputStream out) throws IOException {
        out.writeLong(steps);
        out.writeInt(state.size());
        for (NDArray array : state) {
            byte[] bytes = array.toByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    /** Reads what {@link #write} wrote, into arrays shaped like the current state. */
    final void read(DataInputStream in, NDManager manager) throws IOException {
        steps = in.readLong();
        int count = in.readInt();
        if (count != state.size()) {
            throw new IllegalArgumentException("optimizer state arrays=" + count + " expected=" + state.size());
        }
        for (int i = 0; i < count; i++) {
            NDArray current = state.get(i);
            int length = in.readInt();
            long expected = current.size() * Float.BYTES;
            if (length != expected) {
                throw new IllegalArgumentException("optimizer state array " + i + " bytes=" + length + " expected=" + expected);
            }
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            NDArray restored = manager.create(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()), current.getShape(),
                DataType.FLOAT32);
            current.close();
            state.set(i, restored);
        }
    }

    /** Forgets the state, as a hop that lost it would: for tests that prove the state matters. */
    final void reset() {
        steps = 0;
        for (NDArray array : state) {
            array.subi(array);
        }
    }

    /** Adam (Kingma and Ba), as DJL computes it: bias correction folded into the learning rate. */
    static final class Adam extends HoppableOptimizer {
        private static final float BETA1 = 0.9f;
        private static final float BETA2 = 0.999f;
        private static final float EPSILON = 1e-8f;

        Adam(TrainingSettings settings) {
            super(settings);
        }

        @Override
        int arraysPerWeight() {
            return 2;
        }

        @Override
        void update(int index, NDArray weight, NDArray gradient) {
            // the same arithmetic, in the same precision, as ai.djl.training.optimizer.Adam.update
            double coef1 = 1.0 - Math.pow(BETA1, steps);
            double coef2 = 1.0 - Math.pow(BETA2, steps);
            float lr = settings.learningRate();
            float biasCorrected = (float) (lr * Math.sqrt(coef2) / coef1);
            NDArray mean = state.get(2 * index);
            NDArray variance = state.get(2 * index + 1);
            weight.getNDArrayInternal().adamUpdate(new NDList(weight, gradient, mean, variance), new NDList(weight), lr,
                biasCorrected, settings.weightDecay(), RESCALE_GRAD, CLIP_GRAD, BETA1, BETA2, EPSILON, true, false);
        }
    }

    /** SGD with momentum, as DJL computes it. */
    static final class Sgd extends HoppableOptimizer {
        Sgd(TrainingSettings settings) {
            super(settings);
        }

        @Override
        int arraysPerWeight() {
            return settings.momentum() != 0 ? 1 : 0;
        }

        @Override
        void update(int index, NDArray weight, NDArray gradient) {
            NDList inputs = settings.momentum() != 0
                ? new NDList(weight, gradient, state.get(index))
                : new NDList(weight, gradient);
            weight.getNDArrayInternal().sgdUpdate(inputs, new NDList(weight), settings.learningRate(),
                settings.weightDecay(), RESCALE_GRAD, CLIP_GRAD, settings.momentum(), true);
        }
    }
}
