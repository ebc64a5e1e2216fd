package org.cerebro.exec.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.cerebro.space.Config;
import org.cerebro.train.Metrics;
import org.cerebro.train.TrainableSpec;

/**
 * Every protocol message as a record, and the one codec between records and payloads
 * ({@link #encode()} and {@link #decode(Frame, ClassLoader)}): no status byte or field order
 * lives at a call site. Byte layouts are in PROTOCOL.md.
 */
sealed interface Message {
    /** The message's type code. */
    MessageType type();

    /** Writes the fields. */
    void write(Payload.Writer out);

    /** The payload bytes. */
    default byte[] encode() {
        Payload.Writer out = new Payload.Writer();
        write(out);
        return out.toBytes();
    }

    /** What an offered partition is for. */
    enum Role {
        /** A training partition. */
        TRAIN,
        /** The validation data. */
        VALIDATION
    }

    /** How a unit ended on the worker. */
    enum Outcome {
        /** It trained: the reply carries the state after it. */
        TRAINED,
        /** The trial failed (an exception in its code, a non-finite loss); the search goes on. */
        TRIAL_FAILED,
        /** The worker is not fit to go on (out of memory): the run stops, resumably. */
        FATAL
    }

    /** Worker to coordinator, first: the worker's nonce. */
    record Challenge(byte[] nonce) implements Message {
        public MessageType type() {
            return MessageType.CHALLENGE;
        }

        public void write(Payload.Writer out) {
            out.putRaw(nonce);
        }
    }

    /** Coordinator to worker: its nonce and proof. */
    record Auth(byte[] nonce, byte[] proof) implements Message {
        public MessageType type() {
            return MessageType.AUTH;
        }

        public void write(Payload.Writer out) {
            out.putRaw(nonce).putRaw(proof);
        }
    }

    /** Worker to coordinator: its proof and what it is. */
    record AuthOk(byte[] proof, String info) implements Message {
        public MessageType type() {
            return MessageType.AUTH_OK;
        }

        public void write(Payload.Writer out) {
            out.putRaw(proof).putString(info);
        }
    }

    /** What to train and the data's shape. */
    record Setup(TrainableSpec spec, int featureWidth, int numClasses) implements Message {
        public MessageType type() {
            return MessageType.SETUP;
        }

        public void write(Payload.Writer out) {
            out.putString(spec.kind()).putInt(spec.settings().size());
            spec.settings().forEach((name, value) -> out.putString(name).putString(value));
            out.putInt(featureWidth).putInt(numClasses);
        }
    }

    /** Set up. */
    record SetupOk() implements Message {
        public MessageType type() {
            return MessageType.SETUP_OK;
        }

        public void write(Payload.Writer out) {
        }
    }

    /** A partition (or the validation data) by content hash. */
    record PartitionOffer(Role role, int index, String hash, int featureWidth, int numClasses, long bytes)
        implements Message {
        public MessageType type() {
            return MessageType.PARTITION_OFFER;
        }

        public void write(Payload.Writer out) {
            out.putByte(role.ordinal()).putInt(index).putString(hash).putInt(featureWidth).putInt(numClasses)
                .putLong(bytes);
        }
    }

    /** Whether the worker has the offered partition (stored and verified) or needs it sent. */
    record PartitionStatus(boolean has) implements Message {
        public MessageType type() {
            return MessageType.PARTITION_STATUS;
        }

        public void write(Payload.Writer out) {
            out.putByte(has ? 1 : 0);
        }
    }

    /** A chunk of the partition being sent, at {@code offset}. */
    record PartitionChunk(long offset, byte[] bytes) implements Message {
        public MessageType type() {
            return MessageType.PARTITION_CHUNK;
        }

        public void write(Payload.Writer out) {
            out.putLong(offset).putBytes(bytes);
        }
    }

    /** The partition is sent. */
    record PartitionEnd() implements Message {
        public MessageType type() {
            return MessageType.PARTITION_END;
        }

        public void write(Payload.Writer out) {
        }
    }

    /** Train a trial one pass over a partition; its state travels (empty: initialise it). */
    record TrainUnit(int trialId, int epoch, int partition, boolean evaluate, long trialSeed, Config config, byte[] state)
        implements Message {
        public MessageType type() {
            return MessageType.TRAIN_UNIT;
        }

        public void write(Payload.Writer out) {
            out.putInt(trialId).putInt(epoch).putInt(partition).putByte(evaluate ? 1 : 0).putLong(trialSeed)
                .putBytes(config.toBytes()).putBytes(state);
        }
    }

    /** A unit's outcome and the trial's state after it. */
    record UnitDone(int trialId, int epoch, int partition, Outcome outcome, double loss, Metrics metrics, String message,
                    byte[] state, long trainNanos) implements Message {
        public MessageType type() {
            return MessageType.UNIT_DONE;
        }

        public void write(Payload.Writer out) {
            out.putInt(trialId).putInt(epoch).putInt(partition).putByte(outcome.ordinal()).putDouble(loss)
                .putByte(metrics != null ? 1 : 0);
            if (metrics != null) {
                out.putDouble(metrics.loss()).putDouble(metrics.accuracy()).putInt(metrics.extra().size());
                metrics.extra().forEach((name, value) -> out.putString(name).putDouble(value));
            }
            out.putString(message).putBytes(state).putLong(trainNanos);
        }
    }

    /**
     * Be rank {@code rank} of {@code ranks} of a data-parallel epoch of a trial: train its state
     * (empty: initialise it) over the partitions {@code partitions} this worker holds, summing
     * gradients with the ring: send to {@code right} (the next rank's worker), receive from the
     * previous rank. {@code rankRecords} are every rank's records (the steps are cut from them).
     * Reply {@link UnitDone} with partition -1.
     */
    record DataParallelStart(long group, int rank, int ranks, String right, int trialId, int epoch, boolean evaluate,
                             long trialSeed, Config config, byte[] state, int[] partitions, int[] rankRecords)
        implements Message {
        public MessageType type() {
            return MessageType.DP_START;
        }

        public void write(Payload.Writer out) {
            out.putLong(group).putInt(rank).putInt(ranks).putString(right).putInt(trialId).putInt(epoch)
                .putByte(evaluate ? 1 : 0).putLong(trialSeed).putBytes(config.toBytes()).putBytes(state)
                .putInt(partitions.length);
            for (int partition : partitions) {
                out.putInt(partition);
            }
            for (int records : rankRecords) {
                out.putInt(records);
            }
        }
    }

    /** The first frame on a ring link between two workers: the epoch and the sender's rank. */
    record PeerHello(long group, int rank) implements Message {
        public MessageType type() {
            return MessageType.PEER_HELLO;
        }

        public void write(Payload.Writer out) {
            out.putLong(group).putInt(rank);
        }
    }

    /**
     * A slice of step {@code step}'s gradient (phase 0: partial sums of the reduce-scatter; 1: the
     * all-gather's final sums), and whether every rank's loss the sender knows of was finite.
     */
    record GradientChunk(long group, int step, int phase, int slice, boolean finite, byte[] floats)
        implements Message {
        public MessageType type() {
            return MessageType.DP_CHUNK;
        }

        public void write(Payload.Writer out) {
            out.putLong(group).putInt(step).putByte(phase).putInt(slice).putByte(finite ? 1 : 0).putBytes(floats);
        }
    }

    /** Are you there? */
    record Heartbeat(long nanos) implements Message {
        public MessageType type() {
            return MessageType.HEARTBEAT;
        }

        public void write(Payload.Writer out) {
            out.putLong(nanos);
        }
    }

    /** Here, echoing the heartbeat. */
    record HeartbeatAck(long nanos) implements Message {
        public MessageType type() {
            return MessageType.HEARTBEAT_ACK;
        }

        public void write(Payload.Writer out) {
            out.putLong(nanos);
        }
    }

    /** Drop this session's units that have not started. */
    record Cancel() implements Message {
        public MessageType type() {
            return MessageType.CANCEL;
        }

        public void write(Payload.Writer out) {
        }
    }

    /** Stop the daemon gracefully. */
    record Shutdown() implements Message {
        public MessageType type() {
            return MessageType.SHUTDOWN;
        }

        public void write(Payload.Writer out) {
        }
    }

    /** A request failed, or the peer is refused. */
    record Error(String message) implements Message {
        public Error {
            Objects.requireNonNull(message, "message");
        }

        public MessageType type() {
            return MessageType.ERROR;
        }

        public void write(Payload.Writer out) {
            out.putString(message);
        }
    }

    /** Not now: try again after {@code millis}; {@code reason} says why. */
    record RetryLater(long millis, String reason) implements Message {
        public MessageType type() {
            return MessageType.RETRY_LATER;
        }

        public void write(Payload.Writer out) {
            out.putLong(millis).putString(reason);
        }
    }

    /**
     * The message in {@code frame}, every field checked against the payload's bounds and no byte
     * left over; enum classes of config values are looked up on {@code loader}.
     *
     * @throws ProtocolException naming the field that is wrong
     */
    static Message decode(Frame frame, ClassLoader loader) throws ProtocolException {
        Payload.Reader in = frame.reader();
        Message message = switch (frame.type()) {
            case CHALLENGE -> new Challenge(in.getRaw(Handshake.NONCE_BYTES, "nonce"));
            case AUTH -> new Auth(in.getRaw(Handshake.NONCE_BYTES, "nonce"), in.getRaw(Handshake.PROOF_BYTES, "proof"));
            case AUTH_OK -> new AuthOk(in.getRaw(Handshake.PROOF_BYTES, "proof"), in.getString("info"));
            case SETUP -> setup(in);
            case SETUP_OK -> new SetupOk();
            case PARTITION_OFFER -> new PartitionOffer(enumAt(Role.values(), in.getByte("role"), "role"),
                in.getInt("index"), in.getString("hash"), in.getInt("featureWidth"), in.getInt("numClasses"),
                nonNegative(in.getLong("bytes"), "bytes"));
            case PARTITION_STATUS -> new PartitionStatus(in.getByte("has") != 0);
            case PARTITION_CHUNK -> new PartitionChunk(nonNegative(in.getLong("offset"), "offset"), in.getBytes("bytes"));
            case PARTITION_END -> new PartitionEnd();
            case TRAIN_UNIT -> new TrainUnit(in.getInt("trialId"), in.getInt("epoch"), in.getInt("partition"),
                in.getByte("evaluate") != 0, in.getLong("trialSeed"), config(in.getBytes("config"), loader),
                in.getBytes("state"));
            case UNIT_DONE -> unitDone(in);
            case DP_START -> dataParallelStart(in, loader);
            case PEER_HELLO -> new PeerHello(in.getLong("group"), in.getInt("rank"));
            case DP_CHUNK -> new GradientChunk(in.getLong("group"), in.getInt("step"), in.getByte("phase"),
                in.getInt("slice"), in.getByte("finite") != 0, in.getBytes("floats"));
            case HEARTBEAT -> new Heartbeat(in.getLong("nanos"));
            case HEARTBEAT_ACK -> new HeartbeatAck(in.getLong("nanos"));
            case CANCEL -> new Cancel();
            case SHUTDOWN -> new Shutdown();
            case ERROR -> new Error(in.getString("message"));
            case RETRY_LATER -> new RetryLater(nonNegative(in.getLong("millis"), "millis"), in.getString("reason"));
        };
        in.end();
        return message;
    }

    private static Setup setup(Payload.Reader in) throws ProtocolException {
        String kind = in.getString("spec.kind");
        int count = in.getInt("spec.settings");
        if (count < 0 || count > 100) {
            throw new ProtocolException("SETUP spec.settings=" + count + " expected 0..100");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            settings.put(in.getString("spec.name"), in.getString("spec.value"));
        }
        try {
            return new Setup(new TrainableSpec(kind, settings), in.getInt("featureWidth"), in.getInt("numClasses"));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("SETUP spec: " + e.getMessage());
        }
    }

    private static DataParallelStart dataParallelStart(Payload.Reader in, ClassLoader loader) throws ProtocolException {
        long group = in.getLong("group");
        int rank = in.getInt("rank");
        int ranks = in.getInt("ranks");
        if (ranks < 2 || ranks > 4096 || rank < 0 || rank >= ranks) {
            throw new ProtocolException("DP_START rank=" + rank + " ranks=" + ranks + " expected 0 <= rank < ranks, 2..4096");
        }
        String right = in.getString("right");
        int trialId = in.getInt("trialId");
        int epoch = in.getInt("epoch");
        boolean evaluate = in.getByte("evaluate") != 0;
        long seed = in.getLong("trialSeed");
        Config config = config(in.getBytes("config"), loader);
        byte[] state = in.getBytes("state");
        int count = in.getInt("partitions");
        if (count < 0 || count > 1 << 16) {
            throw new ProtocolException("DP_START partitions=" + count + " expected 0..65536");
        }
        int[] partitions = new int[count];
        for (int i = 0; i < count; i++) {
            partitions[i] = in.getInt("partition");
        }
        int[] rankRecords = new int[ranks];
        for (int r = 0; r < ranks; r++) {
            rankRecords[r] = (int) nonNegative(in.getInt("rankRecords"), "rankRecords");
        }
        return new DataParallelStart(group, rank, ranks, right, trialId, epoch, evaluate, seed, config, state,
            partitions, rankRecords);
    }

    private static UnitDone unitDone(Payload.Reader in) throws ProtocolException {
        int trialId = in.getInt("trialId");
        int epoch = in.getInt("epoch");
        int partition = in.getInt("partition");
        Outcome outcome = enumAt(Outcome.values(), in.getByte("outcome"), "outcome");
        double loss = in.getDouble("loss");
        Metrics metrics = null;
        if (in.getByte("hasMetrics") != 0) {
            double metricLoss = in.getDouble("metrics.loss");
            double accuracy = in.getDouble("metrics.accuracy");
            int extras = in.getInt("metrics.extra.size");
            if (extras < 0 || extras > 1_000) {
                throw new ProtocolException("UNIT_DONE metrics.extra.size=" + extras + " expected 0..1000");
            }
            Map<String, Double> extra = new LinkedHashMap<>();
            for (int i = 0; i < extras; i++) {
                extra.put(in.getString("metrics.extra.name"), in.getDouble("metrics.extra.value"));
            }
            metrics = new Metrics(metricLoss, accuracy, extra);
        }
        return new UnitDone(trialId, epoch, partition, outcome, loss, metrics, in.getString("message"),
            in.getBytes("state"), in.getLong("trainNanos"));
    }

    private static Config config(byte[] bytes, ClassLoader loader) throws ProtocolException {
        try {
            return Config.fromBytes(bytes, loader);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("TRAIN_UNIT config: " + e.getMessage());
        }
    }

    private static <E extends Enum<E>> E enumAt(E[] values, int code, String field) throws ProtocolException {
        if (code < 0 || code >= values.length) {
            throw new ProtocolException(field + "=" + code + " expected 0.." + (values.length - 1));
        }
        return values[code];
    }

    private static long nonNegative(long value, String field) throws ProtocolException {
        if (value < 0) {
            throw new ProtocolException(field + "=" + value + " expected >= 0");
        }
        return value;
    }
}
