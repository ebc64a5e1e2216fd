package org.cerebro.djl;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.cerebro.data.BatchAssembler;
import org.cerebro.data.Dataset;
import org.cerebro.data.LastBatch;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.TrainableState;

/**
 * One DJL trial: its block, parameters and optimizer state in a manager of its own. Every
 * mini-batch runs in a sub-manager closed at the batch's end, so native memory stays flat however
 * many units run. A non-finite loss stops the pass before the update: the state stays the last
 * good one and the pass returns the loss.
 *
 * <p>Not thread-safe: one worker thread at a time.
 */
final class DjlState implements TrainableState, org.cerebro.train.GradientStep {
    private static final int EVALUATION_BATCH = 256;
    /** The gradient collector of an engine allows one per JVM: the LOCKED mode's lock. */
    private static final Object COLLECTOR_LOCK = new Object();

    private final String modelName;
    private final DataSpec data;
    private final Shape inputShape;
    private final TrainingSettings settings;
    private final NDManager manager;
    private final Block block;
    private final GradientMode mode;
    private final ParameterStore store;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();
    private final HoppableOptimizer optimizer;
    private List<NDArray> weights;
    private BatchAssembler trainBatches;
    private BatchAssembler evaluationBatches;
    private BatchAssembler rangeBatches;

    DjlState(String modelName, DataSpec data, Shape inputShape, TrainingSettings settings, NDManager manager, Block block,
             GradientMode mode) {
        this.modelName = modelName;
        this.data = data;
        this.inputShape = inputShape;
        this.settings = settings;
        this.manager = manager;
        this.block = block;
        this.mode = mode;
        this.store = new ParameterStore(manager, false);
        this.weights = weights();
        this.optimizer = HoppableOptimizer.create(settings, weights);
    }

    private List<NDArray> weights() {
        List<NDArray> arrays = new ArrayList<>();
        for (Parameter parameter : block.getParameters().values()) {
            NDArray array = parameter.getArray();
            if (!array.hasGradient()) {
                array.setRequiresGradient(true);
            }
            arrays.add(array);
        }
        return arrays;
    }

    String modelName() {
        return modelName;
    }

    TrainingSettings settings() {
        return settings;
    }

    HoppableOptimizer optimizer() {
        return optimizer;
    }

    List<NDArray> parameters() {
        return weights;
    }

    @Override
    public double trainPass(Dataset partition) {
        check(partition);
        if (trainBatches == null) {
            trainBatches = new BatchAssembler(settings.batchSize(), data.featureWidth());
        }
        int batches = LastBatch.PARTIAL.batches(partition.size(), settings.batchSize());
        double lossSum = 0;
        for (int b = 0; b < batches; b++) {
            try (NDManager scope = manager.newSubManager()) {
                NDList batch = batch(trainBatches, partition, b, scope);
                int n = trainBatches.count();
                NDArray x = batch.get(0);
                NDArray y = batch.get(1);
                float batchLoss = mode == GradientMode.THREAD_LOCAL ? threadLocalStep(x, y) : lockedStep(x, y);
                if (!Float.isFinite(batchLoss)) {
                    return batchLoss; // diverged: the update was not applied, the state is the last good one
                }
                lossSum += (double) batchLoss * n;
            }
        }
        return lossSum / partition.size();
    }

    private float threadLocalStep(NDArray x, NDArray y) {
        float value = threadLocalBackward(x, y);
        if (Float.isFinite(value)) {
            optimizer.step(weights);
        }
        return value;
    }

    /** Forward and backward with the engine's thread-local grad mode: the weights' gradients of the mean loss. */
    private float threadLocalBackward(NDArray x, NDArray y) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            NDArray lossValue = forwardLoss(x, y);
            float value = lossValue.getFloat();
            if (!Float.isFinite(value)) {
                return value;
            }
            // what PtGradientCollector.backward does, without its one-per-JVM guard
            NDArray ones = lossValue.getManager().ones(lossValue.getShape(), lossValue.getDataType());
            JniUtils.backward((PtNDArray) lossValue, (PtNDArray) ones, false, false);
            return value;
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    private float lockedStep(NDArray x, NDArray y) {
        synchronized (COLLECTOR_LOCK) {
            Engine engine = manager.getEngine();
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray lossValue = forwardLoss(x, y);
                float value = lossValue.getFloat();
                if (!Float.isFinite(value)) {
                    return value;
                }
                collector.backward(lossValue);
                optimizer.step(weights);
                return value;
            }
        }
    }

    // Data-parallel training (GradientStep): the gradient is every weight's, flat, in parameter
    // order; a rank adds the gradient of its share's mean loss times its share's size (the same
    // forward and backward a pass runs), and a step divides the sum by the step's records and
    // updates with the same native kernels. When a step's records are a power of two (full
    // batches of a power-of-two batch size) the scale and the division are exact, so one rank
    // trains bit for bit as a pass does; a short last step may differ by a rounding.

    @Override
    public int batchSize() {
        return settings.batchSize();
    }

    @Override
    public int gradientLength() {
        long length = 0;
        for (NDArray weight : weights) {
            length += weight.size();
        }
        return Math.toIntExact(length);
    }

    @Override
    public double accumulate(Dataset dataset, int from, int to, float[] gradient) {
        check(dataset);
        int n = to - from;
        if (n == 0) {
            return 0;
        }
        if (rangeBatches == null) {
            rangeBatches = new BatchAssembler(settings.batchSize(), data.featureWidth());
        }
        try (NDManager scope = manager.newSubManager()) {
            rangeBatches.range(dataset, from, n);
            NDArray x = NdBatches.features(rangeBatches, scope, data.featureWidth()).reshape(batchShape(n));
            NDArray y = NdBatches.labels(rangeBatches, scope).toType(DataType.INT64, false);
            if (mode == GradientMode.THREAD_LOCAL) {
                return addGradients(threadLocalBackward(x, y), n, gradient);
            }
            synchronized (COLLECTOR_LOCK) {
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    NDArray lossValue = forwardLoss(x, y);
                    float value = lossValue.getFloat();
                    if (Float.isFinite(value)) {
                        collector.backward(lossValue);
                    }
                    return addGradients(value, n, gradient);
                }
            }
        }
    }

    /** Adds every weight's gradient times {@code n} to {@code gradient} and zeroes the engine's; the loss sum. */
    private double addGradients(float meanLoss, int n, float[] gradient) {
        if (!Float.isFinite(meanLoss)) {
            return (double) meanLoss * n;
        }
        float scale = n;
        int offset = 0;
        for (NDArray weight : weights) {
            try (NDArray engineGradient = weight.getGradient()) {
                float[] values = engineGradient.toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    gradient[offset + i] += values[i] * scale;
                }
                offset += values.length;
                engineGradient.subi(engineGradient); // backward adds to it: zero for the next share
            }
        }
        return (double) meanLoss * n;
    }

    @Override
    public void apply(float[] gradient, int records) {
        float scale = records;
        try (NDManager scope = manager.newSubManager()) {
            optimizer.steps++;
            int offset = 0;
            for (int i = 0; i < weights.size(); i++) {
                NDArray weight = weights.get(i);
                int size = Math.toIntExact(weight.size());
                float[] mean = new float[size];
                for (int j = 0; j < size; j++) {
                    mean[j] = gradient[offset + j] / scale;
                }
                offset += size;
                NDArray step = scope.create(mean, weight.getShape());
                optimizer.update(i, weight, step);
            }
        }
    }

    private NDArray forwardLoss(NDArray x, NDArray y) {
        NDList predictions = block.forward(store, new NDList(x), true);
        return loss.evaluate(new NDList(y), predictions);
    }

    /** Arrays alive in this trial's manager and its sub-managers, for leak tests. */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public Metrics evaluate(Dataset validation) {
        check(validation);
        if (evaluationBatches == null) {
            evaluationBatches = new BatchAssembler(EVALUATION_BATCH, data.featureWidth());
        }
        int batches = LastBatch.PARTIAL.batches(validation.size(), EVALUATION_BATCH);
        double lossSum = 0;
        long correct = 0;
        for (int b = 0; b < batches; b++) {
            try (NDManager scope = manager.newSubManager()) {
                NDList batch = batch(evaluationBatches, validation, b, scope);
                int n = evaluationBatches.count();
                NDArray x = batch.get(0);
                NDArray y = batch.get(1);
                NDList predictions = block.forward(store, new NDList(x), false);
                lossSum += (double) loss.evaluate(new NDList(y), predictions).getFloat() * n;
                correct += predictions.singletonOrThrow().argMax(1).eq(y).countNonzero().getLong();
            }
        }
        return Metrics.of(lossSum / validation.size(), correct / (double) validation.size());
    }

    @Override
    public int[] predict(Dataset dataset) {
        check(dataset);
        if (evaluationBatches == null) {
            evaluationBatches = new BatchAssembler(EVALUATION_BATCH, data.featureWidth());
        }
        int[] predicted = new int[dataset.size()];
        int batches = LastBatch.PARTIAL.batches(dataset.size(), EVALUATION_BATCH);
        for (int b = 0; b < batches; b++) {
            try (NDManager scope = manager.newSubManager()) {
                NDList batch = batch(evaluationBatches, dataset, b, scope);
                long[] classes = block.forward(store, new NDList(batch.get(0)), false).singletonOrThrow().argMax(1)
                    .toType(DataType.INT64, false).toLongArray();
                for (int i = 0; i < classes.length; i++) {
                    predicted[b * EVALUATION_BATCH + i] = (int) classes[i];
                }
            }
        }
        return predicted;
    }

    /** The block, with this trial's parameters (for export). */
    Block block() {
        return block;
    }

    /** Batch {@code b} of {@code dataset} as (features in the model's input shape, int64 labels) in {@code scope}. */
    private NDList batch(BatchAssembler assembler, Dataset dataset, int b, NDManager scope) {
        int n = assembler.assemble(dataset, b, LastBatch.PARTIAL);
        NDArray x = NdBatches.features(assembler, scope, data.featureWidth()).reshape(batchShape(n));
        NDArray y = NdBatches.labels(assembler, scope).toType(DataType.INT64, false);
        return new NDList(x, y);
    }

    private Shape batchShape(int n) {
        long[] dims = inputShape.getShape().clone();
        dims[0] = n;
        return new Shape(dims);
    }

    private void check(Dataset dataset) {
        if (dataset.featureWidth() != data.featureWidth() || dataset.numClasses() > data.numClasses()) {
            throw new IllegalArgumentException("source=" + dataset.name() + " featureWidth=" + dataset.featureWidth()
                + " numClasses=" + dataset.numClasses() + " expected featureWidth=" + data.featureWidth()
                + " numClasses<=" + data.numClasses() + " (the model's)");
        }
    }

    @Override
    public byte[] toBytes() {
        return DjlTrainable.write(this);
    }

    void writeTo(DataOutputStream out) throws IOException {
        ByteArrayOutputStream parameters = new ByteArrayOutputStream();
        try (DataOutputStream parameterOut = new DataOutputStream(parameters)) {
            block.saveParameters(parameterOut);
        }
        out.writeInt(parameters.size());
        parameters.writeTo(out);
        optimizer.write(out);
    }

    void readFrom(DataInputStream in) throws IOException {
        byte[] parameters = new byte[in.readInt()];
        in.readFully(parameters);
        try (DataInputStream parameterIn = new DataInputStream(new ByteArrayInputStream(parameters))) {
            block.loadParameters(manager, parameterIn);
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException("model=" + modelName + " parameters do not match the model: " + e.getMessage(), e);
        }
        weights = weights();
        optimizer.read(in, manager);
    }

    @Override
    public void close() {
        manager.close();
    }
}
