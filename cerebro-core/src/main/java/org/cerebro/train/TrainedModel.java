package org.cerebro.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.cerebro.data.Dataset;
import org.cerebro.space.Config;

/**
 * A trial's trained model: its complete state (parameters and optimizer state, as the trainable's
 * version-tagged bytes) after {@link #epochs()} epochs, with what it takes to use it: the
 * trainable, the trial's config and the data's shape. Get one from a search's result
 * ({@code result.bestModel()}), from an experiment directory, or from a file written by
 * {@link #save}.
 *
 * <pre>{@code
 * TrainedModel best = result.bestModel().orElseThrow();
 * int[] classes = best.predict(newData);       // or evaluate(testSet), or restore() to train on
 * best.save(Path.of("best.cerebro-model"));     // and TrainedModel.load(...) in another JVM
 * }</pre>
 *
 * <p>Immutable and thread-safe; each {@link #restore()} makes a new state, owned by the caller.
 */
public final class TrainedModel {
    static final int MAGIC = 0x434D444C; // "CMDL"
    static final int VERSION = 1;

    private final int trialId;
    private final Config config;
    private final int epochs;
    private final Metrics metrics;
    private final Trainable trainable;
    private final DataSpec data;
    private final byte[] state;

    /**
     * @param trialId   the trial it comes from
     * @param config    the trial's hyperparameters
     * @param epochs    epochs completed when the state was taken
     * @param metrics   the validation metrics at that epoch (null if unknown)
     * @param trainable what restores the state
     * @param data      the data's shape
     * @param state     the state's bytes ({@link TrainableState#toBytes()}); not copied, never modified
     */
    public TrainedModel(int trialId, Config config, int epochs, Metrics metrics, Trainable trainable, DataSpec data,
                        byte[] state) {
        this.trialId = trialId;
        this.config = Objects.requireNonNull(config, "config");
        this.epochs = epochs;
        this.metrics = metrics;
        this.trainable = Objects.requireNonNull(trainable, "trainable");
        this.data = Objects.requireNonNull(data, "data");
        this.state = Objects.requireNonNull(state, "state");
    }

    /** The trial it comes from. */
    public int trialId() {
        return trialId;
    }

    /** The trial's hyperparameters. */
    public Config config() {
        return config;
    }

    /** Epochs completed when the state was taken. */
    public int epochs() {
        return epochs;
    }

    /** The validation metrics the search measured at that epoch, or null when unknown. */
    public Metrics metrics() {
        return metrics;
    }

    /** What restores the state. */
    public Trainable trainable() {
        return trainable;
    }

    /** The data's shape. */
    public DataSpec data() {
        return data;
    }

    /** The state's bytes (a copy). */
    public byte[] stateBytes() {
        return state.clone();
    }

    /** Bytes of the state: what keeping this model in memory costs. */
    public long sizeInBytes() {
        return state.length;
    }

    /**
     * A live state restored from the bytes; the caller closes it (it may hold native memory).
     *
     * @throws IllegalArgumentException when the trainable cannot read the bytes
     */
    public TrainableState restore() {
        return trainable.restore(config, data, state);
    }

    /** The model's metrics on {@code data} (restored, evaluated, closed). */
    public Metrics evaluate(Dataset data) {
        try (TrainableState live = restore()) {
            return live.evaluate(data);
        }
    }

    /**
     * The class the model predicts for each record of {@code data} (restored, run, closed).
     *
     * @throws UnsupportedOperationException when the trainable's models do not predict
     */
    public int[] predict(Dataset data) {
        try (TrainableState live = restore()) {
            return live.predict(data);
        }
    }

    /**
     * Writes the model to {@code file} (a temporary file renamed into place): the trial, its
     * config with every value's type, the data's shape, the trainable's spec when it has one, the
     * validation metrics and the state, with a CRC-32C over all of it. Never Java serialization.
     *
     * <pre>
     *  int32 magic 'CMDL' | int32 version | int32 trial | int32 epochs | UTF trainable name
     *  | int32 spec settings (-1: none) [UTF kind, n x (UTF name, UTF value)] | int32 featureWidth | int32 numClasses
     *  | int32 n, n bytes config | u8 has metrics [f64 loss, f64 accuracy, int32 k, k x (UTF, f64)]
     *  | int32 n, n bytes state | int32 crc32c
     * </pre>
     */
    public void save(Path file) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(state.length + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(trialId);
            out.writeInt(epochs);
            out.writeUTF(trainable.name());
            TrainableSpec spec = specOrNull(trainable);
            out.writeInt(spec == null ? -1 : spec.settings().size());
            if (spec != null) {
                out.writeUTF(spec.kind());
                for (Map.Entry<String, String> setting : spec.settings().entrySet()) {
                    out.writeUTF(setting.getKey());
                    out.writeUTF(setting.getValue());
                }
            }
            out.writeInt(data.featureWidth());
            out.writeInt(data.numClasses());
            byte[] configBytes = config.toBytes();
            out.writeInt(configBytes.length);
            out.write(configBytes);
            out.writeBoolean(metrics != null);
            if (metrics != null) {
                out.writeDouble(metrics.loss());
                out.writeDouble(metrics.accuracy());
                out.writeInt(metrics.extra().size());
                for (Map.Entry<String, Double> extra : metrics.extra().entrySet()) {
                    out.writeUTF(extra.getKey());
                    out.writeDouble(extra.getValue());
                }
            }
            out.writeInt(state.length);
            out.write(state);
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory
        }
        try {
            Path absolute = file.toAbsolutePath();
            Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
            Files.write(temporary, bytes.toByteArray());
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model file=" + file, e);
        }
    }

    private static TrainableSpec specOrNull(Trainable trainable) {
        try {
            return trainable.spec();
        } catch (IllegalArgumentException e) {
            return null; // a lambda or anonymous trainable: load it with load(file, trainable)
        }
    }

    /**
     * Reads a model {@link #save} wrote, rebuilding its trainable from the spec stored with it
     * (a {@link TrainableFactory} of that kind must be on the class path).
     *
     * @throws IllegalArgumentException naming the file and what is wrong: damaged (CRC), another
     *                                  format or version, no spec stored, no factory for it
     */
    public static TrainedModel load(Path file) {
        return read(file, null);
    }

    /** Reads a model {@link #save} wrote, restoring it with {@code trainable}. */
    public static TrainedModel load(Path file, Trainable trainable) {
        return read(file, Objects.requireNonNull(trainable, "trainable"));
    }

    private static TrainedModel read(Path file, Trainable given) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model file=" + file, e);
        }
        if (bytes.length < 12) {
            throw new IllegalArgumentException("model file=" + file + " length=" + bytes.length + ": not a Cerebro model");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            int magic = in.readInt();
            int version = in.readInt();
            if (magic != MAGIC || version != VERSION) {
                throw new IllegalArgumentException("model file=" + file + " magic=0x" + Integer.toHexString(magic)
                    + " version=" + version + " expected magic=0x" + Integer.toHexString(MAGIC) + " version=" + VERSION);
            }
            if ((int) crc.getValue() != stored) {
                throw new IllegalArgumentException("model file=" + file + " fails its CRC-32C: it is damaged");
            }
            int trialId = in.readInt();
            int epochs = in.readInt();
            String name = in.readUTF();
            int settings = in.readInt();
            TrainableSpec spec = null;
            if (settings >= 0) {
                String kind = in.readUTF();
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 0; i < settings; i++) {
                    values.put(in.readUTF(), in.readUTF());
                }
                spec = new TrainableSpec(kind, values);
            }
            DataSpec data = new DataSpec(in.readInt(), in.readInt());
            Config config = Config.fromBytes(in.readNBytes(in.readInt()), TrainedModel.class.getClassLoader());
            Metrics metrics = null;
            if (in.readBoolean()) {
                double loss = in.readDouble();
                double accuracy = in.readDouble();
                int extras = in.readInt();
                Map<String, Double> extra = new LinkedHashMap<>();
                for (int i = 0; i < extras; i++) {
                    extra.put(in.readUTF(), in.readDouble());
                }
                metrics = new Metrics(loss, accuracy, extra);
            }
            byte[] state = in.readNBytes(in.readInt());
            Trainable trainable = given;
            if (trainable == null) {
                if (spec == null) {
                    throw new IllegalArgumentException("model file=" + file + " holds no spec of its trainable " + name
                        + " (a lambda or anonymous class): load it with TrainedModel.load(file, trainable)");
                }
                trainable = TrainableFactory.build(spec, TrainedModel.class.getClassLoader());
            }
            return new TrainedModel(trialId, config, epochs, metrics, trainable, data, state);
        } catch (IOException e) {
            throw new IllegalArgumentException("model file=" + file + " is truncated: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "TrainedModel[trial=" + trialId + " epochs=" + epochs + " " + trainable.name() + " " + config.canonical()
            + " state=" + state.length + " bytes]";
    }
}
