package org.cerebro.exec.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitWork;
import org.cerebro.train.Metrics;
import org.cerebro.train.TrainableSpec;

/**
 * The bytes a unit job carries to an executor and back: what the search is (trainable spec, data
 * shape, the tables' hashes), the unit (trial, epoch, partition, config, state), and its reply.
 * Cerebro's own objects never cross as Java-serialised objects: Spark serialises the task, whose
 * fields are these byte arrays and Spark's broadcast handles. Every length is checked against the
 * bytes that remain, so a damaged payload is an error naming the field, not an allocation.
 *
 * <pre>
 * search:  version | spec kind | settings (count, name, value)* | featureWidth | numClasses
 *          | residentBytes | partitions (count, hash)* | validation hash
 * unit:    version | trialId | epoch | partition | evaluate | trialSeed | config bytes | state bytes
 *          (a unit job with trialId -1 only places partitions: their indices follow)
 * reply:   version | outcome | loss | metrics? | message | state bytes | executorId | tables loaded | nanos
 * </pre>
 */
final class UnitCodec {
    static final int VERSION = 1;
    /** The trial id of a job that only places partitions on its executor. */
    static final int PLACE = -1;

    private UnitCodec() {
    }

    /** What a reply says happened to its unit. */
    enum Outcome {
        TRAINED, TRIAL_FAILED, FATAL
    }

    /** The search, as every unit job of it carries it. */
    record Search(TrainableSpec spec, int featureWidth, int numClasses, long residentBytes,
                  String[] partitionHashes, String validationHash) {
    }

    /** A unit as it arrives on an executor. */
    record Unit(int trialId, int epoch, int partition, boolean evaluate, long trialSeed, byte[] config, byte[] state,
                int[] place) {
    }

    /** What a unit did, as the driver receives it. */
    record Reply(Outcome outcome, double loss, Metrics metrics, String message, byte[] state, String executorId,
                 int tablesLoaded, long nanos) {
    }

    static byte[] search(Search search) {
        return write(out -> {
            out.writeInt(VERSION);
            out.writeUTF(search.spec().kind());
            out.writeInt(search.spec().settings().size());
            for (Map.Entry<String, String> setting : search.spec().settings().entrySet()) {
                writeString(out, setting.getKey());
                writeString(out, setting.getValue());
            }
            out.writeInt(search.featureWidth());
            out.writeInt(search.numClasses());
            out.writeLong(search.residentBytes());
            out.writeInt(search.partitionHashes().length);
            for (String hash : search.partitionHashes()) {
                out.writeUTF(hash);
            }
            out.writeUTF(search.validationHash());
        });
    }

    static Search search(byte[] bytes) {
        return read(bytes, "search", in -> {
            version(in, "search");
            String kind = in.readUTF();
            int count = count(in, "settings", 4);
            Map<String, String> settings = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                settings.put(readString(in, "setting name"), readString(in, "setting value"));
            }
            int featureWidth = in.readInt();
            int numClasses = in.readInt();
            long residentBytes = in.readLong();
            String[] hashes = new String[count(in, "partitions", 2)];
            for (int i = 0; i < hashes.length; i++) {
                hashes[i] = in.readUTF();
            }
            String validation = in.readUTF();
            return new Search(new TrainableSpec(kind, settings), featureWidth, numClasses, residentBytes,
                hashes, validation);
        });
    }

    static byte[] unit(UnitWork work) {
        byte[] state;
        if (work.state() instanceof TrialState.Bytes saved) {
            state = saved.bytes();
        } else if (work.state() instanceof TrialState.None) {
            state = new byte[0];
        } else {
            throw new IllegalArgumentException("trial=" + work.trialId() + ": a Spark executor takes a state as bytes");
        }
        byte[] config = work.config().toBytes();
        return write(out -> {
            out.writeInt(VERSION);
            out.writeInt(work.trialId());
            out.writeInt(work.epoch());
            out.writeInt(work.partition());
            out.writeBoolean(work.evaluate());
            out.writeLong(work.trialSeed());
            writeBytes(out, config);
            writeBytes(out, state);
        });
    }

    /** A job that loads {@code partitions} (and the validation data and the trainable) on its executor. */
    static byte[] place(int[] partitions) {
        return write(out -> {
            out.writeInt(VERSION);
            out.writeInt(PLACE);
            out.writeInt(partitions.length);
            for (int partition : partitions) {
                out.writeInt(partition);
            }
        });
    }

    static Unit unit(byte[] bytes) {
        return read(bytes, "unit", in -> {
            version(in, "unit");
            int trialId = in.readInt();
            if (trialId == PLACE) {
                int[] place = new int[count(in, "partitions", 4)];
                for (int i = 0; i < place.length; i++) {
                    place[i] = in.readInt();
                }
                return new Unit(PLACE, 0, 0, false, 0, new byte[0], new byte[0], place);
            }
            return new Unit(trialId, in.readInt(), in.readInt(), in.readBoolean(), in.readLong(), readBytes(in, "config"),
                readBytes(in, "state"), null);
        });
    }

    static byte[] reply(Reply reply) {
        return write(out -> {
            out.writeInt(VERSION);
            out.writeByte(reply.outcome().ordinal());
            out.writeDouble(reply.loss());
            out.writeBoolean(reply.metrics() != null);
            if (reply.metrics() != null) {
                out.writeDouble(reply.metrics().loss());
                out.writeDouble(reply.metrics().accuracy());
                out.writeInt(reply.metrics().extra().size());
                for (Map.Entry<String, Double> metric : reply.metrics().extra().entrySet()) {
                    writeString(out, metric.getKey());
                    out.writeDouble(metric.getValue());
                }
            }
            writeString(out, reply.message() == null ? "" : reply.message());
            writeBytes(out, reply.state());
            writeString(out, reply.executorId());
            out.writeInt(reply.tablesLoaded());
            out.writeLong(reply.nanos());
        });
    }

    static Reply reply(byte[] bytes) {
        return read(bytes, "reply", in -> {
            version(in, "reply");
            int outcome = in.readUnsignedByte();
            if (outcome >= Outcome.values().length) {
                throw new IOException("outcome=" + outcome + " expected 0.." + (Outcome.values().length - 1));
            }
            double loss = in.readDouble();
            Metrics metrics = null;
            if (in.readBoolean()) {
                double metricLoss = in.readDouble();
                double accuracy = in.readDouble();
                int count = count(in, "metrics", 10);
                Map<String, Double> extra = new TreeMap<>();
                for (int i = 0; i < count; i++) {
                    extra.put(readString(in, "metric name"), in.readDouble());
                }
                metrics = new Metrics(metricLoss, accuracy, extra);
            }
            String message = readString(in, "message");
            return new Reply(Outcome.values()[outcome], loss, metrics, message.isEmpty() ? null : message,
                readBytes(in, "state"), readString(in, "executorId"), in.readInt(), in.readLong());
        });
    }

    private interface Writing {
        void to(DataOutputStream out) throws IOException;
    }

    private interface Reading<T> {
        T from(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writing writing) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writing.to(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, String what, Reading<T> reading) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            T value = reading.from(in);
            if (in.available() > 0) {
                throw new IOException(in.available() + " trailing bytes");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("a " + what + " payload of " + bytes.length + " bytes is damaged: "
                + e.getMessage(), e);
        }
    }

    private static void version(DataInputStream in, String what) throws IOException {
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException(what + " version=" + version + " expected " + VERSION
                + ": the driver and the executors run different versions of cerebro-exec-spark");
        }
    }

    /** A count of items of at least {@code minBytes} each, checked against the bytes left. */
    private static int count(DataInputStream in, String field, int minBytes) throws IOException {
        int count = in.readInt();
        if (count < 0 || (long) count * minBytes > in.available()) {
            throw new IOException(field + " count=" + count + " with " + in.available() + " bytes left");
        }
        return count;
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in, String field) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException(field + " length=" + length + " with " + in.available() + " bytes left");
        }
        return in.readNBytes(length);
    }

    /** A string of any length (writeUTF stops at 64 KB; a failure message with a stack may be longer). */
    private static void writeString(DataOutputStream out, String value) throws IOException {
        writeBytes(out, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in, String field) throws IOException {
        return new String(readBytes(in, field), java.nio.charset.StandardCharsets.UTF_8);
    }
}
