package org.cerebro.experiment;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.cerebro.exec.Checkpoint;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.space.Config;
import org.cerebro.train.Metrics;

/**
 * The catalog's value formats: {@code [kind int][version int][fields...][crc32c int]}, fields
 * big-endian through {@link DataOutputStream}, strings as modified UTF-8, a trial's config as
 * {@link Config#toBytes()} (every value with its type), and a trailing CRC-32C
 * over everything before it. A value that fails its CRC, kind or version decodes to null: the
 * caller falls back to an older copy rather than trusting it.
 */
final class CatalogCodec {
    static final int TRIAL = 0x43545231;   // "CTR1"
    static final int OUTCOME = 0x434F5531; // "COU1"
    static final int SPEC = 0x43535031;    // "CSP1"
    static final int VERSION = 2;
    /** Trial records since population-based training: a start config and an adoption follow; version 2 still reads. */
    static final int TRIAL_VERSION = 3;

    private CatalogCodec() {
    }

    static byte[] encode(TrialRecord r) {
        return write(TRIAL, TRIAL_VERSION, out -> {
            out.writeLong(r.seq());
            out.writeInt(r.trialId());
            byte[] config = r.config().toBytes();
            out.writeInt(config.length);
            out.write(config);
            out.writeLong(r.trialSeed());
            out.writeUTF(r.status());
            out.writeInt(r.epochsDone());
            writeInts(out, r.partitionsDone());
            out.writeDouble(r.lossSum());
            out.writeLong(r.unitsDone());
            out.writeBoolean(r.checkpoint() != null);
            if (r.checkpoint() != null) {
                out.writeUTF(r.checkpoint().file());
                out.writeLong(r.checkpoint().length());
                out.writeInt(r.checkpoint().crc32c());
            }
            out.writeInt(r.history().size());
            for (EpochOutcome outcome : r.history()) {
                writeOutcome(out, outcome);
            }
            byte[] start = r.startConfig().toBytes();
            out.writeInt(start.length);
            out.write(start);
            out.writeBoolean(r.adoption() != null);
            if (r.adoption() != null) {
                out.writeInt(r.adoption().sourceId());
                out.writeInt(r.adoption().epoch());
            }
        });
    }

    static TrialRecord decodeTrial(byte[] value) {
        return read(value, TRIAL, VERSION, TRIAL_VERSION, (in, version) -> {
            long seq = in.readLong();
            int trialId = in.readInt();
            Config config = readConfig(in);
            long trialSeed = in.readLong();
            String status = in.readUTF();
            int epochsDone = in.readInt();
            List<Integer> partitionsDone = readInts(in);
            double lossSum = in.readDouble();
            long unitsDone = in.readLong();
            Checkpoint checkpoint = in.readBoolean() ? new Checkpoint(in.readUTF(), in.readLong(), in.readInt()) : null;
            int epochs = in.readInt();
            List<EpochOutcome> history = new ArrayList<>(epochs);
            for (int i = 0; i < epochs; i++) {
                history.add(readOutcome(in));
            }
            Config startConfig = config;
            TrialRecord.Adoption adoption = null;
            if (version >= TRIAL_VERSION) {
                startConfig = readConfig(in);
                adoption = in.readBoolean() ? new TrialRecord.Adoption(in.readInt(), in.readInt()) : null;
            }
            return new TrialRecord(seq, trialId, startConfig, config, trialSeed, status, epochsDone, partitionsDone,
                lossSum, unitsDone, checkpoint, history, adoption);
        });
    }

    static byte[] encode(org.cerebro.train.TrainableSpec spec) {
        return write(SPEC, VERSION, out -> {
            out.writeUTF(spec.kind());
            out.writeInt(spec.settings().size());
            for (Map.Entry<String, String> setting : spec.settings().entrySet()) {
                out.writeUTF(setting.getKey());
                out.writeUTF(setting.getValue());
            }
        });
    }

    static org.cerebro.train.TrainableSpec decodeSpec(byte[] value) {
        return read(value, SPEC, VERSION, VERSION, (in, version) -> {
            String kind = in.readUTF();
            int n = in.readInt();
            if (n < 0 || n > 100) {
                throw new IOException("spec settings=" + n);
            }
            Map<String, String> settings = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                settings.put(in.readUTF(), in.readUTF());
            }
            return new org.cerebro.train.TrainableSpec(kind, settings);
        });
    }

    static byte[] encode(EpochOutcome outcome) {
        return write(OUTCOME, VERSION, out -> writeOutcome(out, outcome));
    }

    static EpochOutcome decodeOutcome(byte[] value) {
        return read(value, OUTCOME, VERSION, VERSION, (in, version) -> readOutcome(in));
    }

    private static void writeOutcome(DataOutputStream out, EpochOutcome o) throws IOException {
        out.writeInt(o.trialId());
        out.writeInt(o.epoch());
        out.writeDouble(o.trainLoss());
        out.writeBoolean(o.failure() != null);
        if (o.failure() != null) {
            out.writeUTF(o.failure());
        }
        out.writeBoolean(o.metrics() != null);
        if (o.metrics() != null) {
            out.writeDouble(o.metrics().loss());
            out.writeDouble(o.metrics().accuracy());
            out.writeInt(o.metrics().extra().size());
            for (Map.Entry<String, Double> e : o.metrics().extra().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
        }
        writeInts(out, o.visitOrder());
    }

    private static EpochOutcome readOutcome(DataInputStream in) throws IOException {
        int trialId = in.readInt();
        int epoch = in.readInt();
        double trainLoss = in.readDouble();
        String failure = in.readBoolean() ? in.readUTF() : null;
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
        return new EpochOutcome(trialId, epoch, metrics, trainLoss, failure, readInts(in));
    }

    private static Config readConfig(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 1 << 20) {
            throw new IOException("config length=" + length);
        }
        byte[] bytes = in.readNBytes(length);
        try {
            return Config.fromBytes(bytes, CatalogCodec.class.getClassLoader());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void writeInts(DataOutputStream out, List<Integer> values) throws IOException {
        out.writeInt(values.size());
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static List<Integer> readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 24) {
            throw new IOException("list length=" + n);
        }
        List<Integer> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readInt());
        }
        return values;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in, int version) throws IOException;
    }

    private static byte[] write(int kind, int version, Writer fields) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(kind);
            out.writeInt(version);
            fields.write(out);
            out.flush();
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a catalog value", e); // in-memory: cannot happen
        }
    }

    /** The value's fields, or null when its CRC, kind or version (from {@code oldest} to {@code newest}) is off. */
    private static <T> T read(byte[] value, int kind, int oldest, int newest, Reader<T> fields) {
        if (value == null || value.length < 12) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(value, 0, value.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(value, value.length - 4, 4).getInt()) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value, 0, value.length - 4))) {
            if (in.readInt() != kind) {
                return null;
            }
            int version = in.readInt();
            if (version < oldest || version > newest) {
                return null;
            }
            return fields.read(in, version);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
