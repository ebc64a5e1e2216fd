package org.cerebro.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.StateHeader;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableSpec;
import org.cerebro.train.TrainableState;
import org.cerebro.train.WorkerDevice;

/**
 * Trains DJL models built by a {@link ModelFactory} on the PyTorch engine. Each trial's state is
 * its parameters plus its optimizer's state ({@link HoppableOptimizer}), exported as
 * version-tagged bytes:
 *
 * <pre>
 *  int32 magic 'CDJL' | int32 version | UTF factory | UTF optimizer |
 *  int32 n | n bytes of Block.saveParameters | int64 steps | int32 k | k x (int32 len | len bytes float32)
 * </pre>
 *
 * <p>Several trials may train at once on different threads ({@link GradientMode#THREAD_LOCAL},
 * the default on PyTorch). Initial parameters come from the engine's generator seeded with the
 * trial's seed, under a JVM-wide lock, so the same seed gives the same initial model whatever
 * else runs. Stateless and thread-safe; its states are not.
 */
public final class DjlTrainable implements Trainable {
    static final int MAGIC = 0x43444A4C; // "CDJL"
    static final int VERSION = 1;
    /** The engine's random generator is global: seeding and initialising must not interleave. */
    private static final Object INITIALISATION_LOCK = new Object();

    private final ModelFactory factory;
    private final Device device;
    private final GradientMode mode;

    /** Trains models of {@code factory} on the CPU with thread-local gradients. */
    public DjlTrainable(ModelFactory factory) {
        this(factory, Device.cpu(), GradientMode.THREAD_LOCAL);
    }

    private DjlTrainable(ModelFactory factory, Device device, GradientMode mode) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.device = Objects.requireNonNull(device, "device");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** The same trainable on another device, e.g. {@code Device.gpu(1)} (untested here: no GPU). */
    public DjlTrainable onDevice(Device device) {
        return new DjlTrainable(factory, device, mode);
    }

    /** The same trainable with another gradient mode. */
    public DjlTrainable withGradientMode(GradientMode mode) {
        return new DjlTrainable(factory, device, mode);
    }

    /** Splits the cores' intra-op threads between the workers. */
    @Override
    public void configureWorkers(int workers) {
        PyTorchEngine.configureForWorkers(workers);
    }

    /** This trainable on the worker's device: the CPU, or {@code Device.gpu(index)}. */
    @Override
    public DjlTrainable onDevice(WorkerDevice worker) {
        return worker.kind().equals("gpu") ? onDevice(Device.gpu(worker.index())) : onDevice(Device.cpu());
    }

    /** The model factory. */
    public ModelFactory factory() {
        return factory;
    }

    /** The gradient mode. */
    public GradientMode gradientMode() {
        return mode;
    }

    /**
     * The {@code "djl"} spec: the model factory's class (built by its no-argument constructor on
     * the worker) and the gradient mode. The device is the worker's own ({@link #onDevice(WorkerDevice)}).
     *
     * @throws IllegalArgumentException when the factory is a lambda or anonymous class
     */
    @Override
    public TrainableSpec spec() {
        String name;
        try {
            name = TrainableSpec.loadableName(factory.getClass(), "ModelFactory");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", or use a built-in Zoo model", e);
        }
        return new TrainableSpec(DjlTrainableFactory.KIND, java.util.Map.of("factory", name, "gradientMode",
            mode.name()));
    }

    @Override
    public String name() {
        return "djl-" + factory.name();
    }

    /** Its states train data-parallel: each rank's gradient is read from the engine and summed in Java. */
    @Override
    public boolean dataParallel() {
        return true;
    }

    @Override
    public TrainableState init(Config config, long seed, DataSpec data) {
        return create(config, data, seed, null);
    }

    @Override
    public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
        return create(config, data, 0, Objects.requireNonNull(bytes, "bytes"));
    }

    private TrainableState create(Config config, DataSpec data, long seed, byte[] bytes) {
        Engine engine = PyTorchEngine.get();
        TrainingSettings settings = TrainingSettings.of(config);
        Block block = factory.build(config, data);
        Shape input = factory.inputShape(config, data);
        long inputSize = input.size() / input.get(0);
        if (inputSize != data.featureWidth()) {
            throw new IllegalArgumentException("model=" + factory.name() + " input shape=" + input + " takes " + inputSize
                + " features per record but the data has featureWidth=" + data.featureWidth());
        }
        NDManager manager = NDManager.newBaseManager(device, engine.getEngineName());
        try {
            synchronized (INITIALISATION_LOCK) {
                engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
                block.initialize(manager, DataType.FLOAT32, input);
            }
            Shape output = block.getOutputShapes(new Shape[] {input})[0];
            if (output.get(output.dimension() - 1) != data.numClasses()) {
                throw new IllegalArgumentException("model=" + factory.name() + " output shape=" + output + " has "
                    + output.get(output.dimension() - 1) + " classes but the data has numClasses=" + data.numClasses());
            }
            DjlState state = new DjlState(factory.name(), data, input, settings, manager, block, mode);
            if (bytes != null) {
                read(state, bytes);
            }
            return state;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private void read(DjlState state, byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            StateHeader.check(in, MAGIC, VERSION, name());
            String model = in.readUTF();
            String optimizer = in.readUTF();
            if (!model.equals(factory.name()) || !optimizer.equals(state.settings().optimizer())) {
                throw new IllegalArgumentException(name() + " state is of model=" + model + " optimizer=" + optimizer
                    + ", expected model=" + factory.name() + " optimizer=" + state.settings().optimizer());
            }
            state.readFrom(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(name() + " state is truncated or corrupt: length=" + bytes.length, e);
        }
    }

    static byte[] write(DjlState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            StateHeader.write(out, MAGIC, VERSION);
            out.writeUTF(state.modelName());
            out.writeUTF(state.settings().optimizer());
            state.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
