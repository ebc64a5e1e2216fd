package org.cerebro.exec.cluster;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.cerebro.data.Dataset;
import org.cerebro.exec.UnitRunner;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Metrics;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a worker daemon: authenticates the peer, then serves its requests until it
 * leaves, breaks the protocol or goes quiet past the idle timeout. Units run on the daemon's one
 * training thread (the device); heartbeats are answered here at once, even while a unit trains.
 *
 * <p>Threading: {@link #run()} is the session's reader thread; unit replies are written from the
 * training thread ({@link FrameChannel#write} is synchronized).
 */
final class WorkerSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSession.class);

    private final WorkerDaemon daemon;
    private final FrameChannel channel;
    private final ExecutorService training;
    private final Map<Integer, Dataset> partitions = new HashMap<>();
    private final Map<Long, Future<?>> queued = new java.util.concurrent.ConcurrentHashMap<>();
    private Trainable trainable;
    private DataSpec data;
    private Dataset validation;
    private PartitionStore.Transfer transfer;
    private PendingPartition pending;

    private record PendingPartition(int role, int index, String hash, int featureWidth, int numClasses) {
    }

    WorkerSession(WorkerDaemon daemon, Socket socket, ExecutorService training) throws IOException {
        this.daemon = daemon;
        this.channel = new FrameChannel(socket);
        this.training = training;
    }

    void close() {
        channel.close();
    }

    @Override
    public void run() {
        WorkerDaemon.Settings settings = daemon.settings();
        try { // not try-with-resources: the handlers below still write their error to the peer
            Handshake.acceptCoordinator(channel, settings.secret(), daemon.info(), settings.handshakeTimeoutMillis());
            LOG.info("coordinator {} authenticated", channel.peer());
            while (!daemon.isClosed()) {
                Frame frame = channel.read(settings.maxFrameBytes(), settings.idleTimeoutMillis());
                if (!handle(frame)) {
                    return;
                }
            }
        } catch (FrameChannel.VersionMismatchException e) {
            LOG.warn("dropping {}: {}", channel.peer(), e.getMessage());
            channel.tryWriteError(0, "this worker speaks protocol version " + FrameChannel.VERSION + ", you sent version "
                + e.version);
        } catch (SocketTimeoutException e) {
            LOG.warn("dropping {}: silent past the timeout ({})", channel.peer(), e.getMessage());
        } catch (EOFException e) {
            LOG.info("{} disconnected", channel.peer());
        } catch (ProtocolException e) {
            LOG.warn("dropping {}: {}", channel.peer(), e.getMessage());
            channel.tryWriteError(0, e.getMessage());
        } catch (IOException e) {
            if (!daemon.isClosed()) {
                LOG.warn("dropping {}: {}", channel.peer(), e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("session with {} failed", channel.peer(), e);
            channel.tryWriteError(0, "worker error: " + e);
        } finally {
            channel.close();
            abandonTransfer();
            queued.values().forEach(f -> f.cancel(false));
            daemon.sessionEnded(this);
        }
    }

    /** Handles one frame; false ends the session. */
    private boolean handle(Frame frame) throws IOException {
        Payload.Reader in = frame.reader();
        switch (frame.type()) {
            case HEARTBEAT -> channel.write(MessageType.HEARTBEAT_ACK, frame.correlation(), frame.payload());
            case SETUP -> setup(frame, in);
            case PARTITION_OFFER -> offer(frame, in);
            case PARTITION_CHUNK -> chunk(in);
            case PARTITION_END -> endTransfer(frame);
            case TRAIN_UNIT -> train(frame, in);
            case EVALUATE_UNIT -> evaluate(frame, in);
            case CANCEL -> {
                queued.values().forEach(f -> f.cancel(false));
                LOG.info("{} cancelled its queued units", channel.peer());
            }
            case SHUTDOWN -> {
                LOG.info("{} asked this worker to shut down", channel.peer());
                daemon.closeLater();
                return false;
            }
            default -> throw new ProtocolException("peer " + channel.peer() + " sent " + frame.type()
                + ", which a worker does not accept");
        }
        return true;
    }

    private void setup(Frame frame, Payload.Reader in) throws IOException {
        String spec = in.getString("trainable");
        int featureWidth = in.getInt("featureWidth");
        int numClasses = in.getInt("numClasses");
        in.end();
        try {
            Trainable built = TrainableSpecs.create(spec);
            built.configureWorkers(Math.max(1, Runtime.getRuntime().availableProcessors() / daemon.settings().threads()));
            trainable = built.onDevice(daemon.settings().device());
            data = new DataSpec(featureWidth, numClasses);
            partitions.clear();
            validation = null;
            LOG.info("{} set up trainable {} for {} features, {} classes", channel.peer(), spec, featureWidth, numClasses);
            channel.write(MessageType.SETUP_OK, frame.correlation(), new byte[0]);
        } catch (RuntimeException e) {
            LOG.warn("{} setup failed: {}", channel.peer(), e.getMessage());
            channel.write(MessageType.ERROR, frame.correlation(), new Payload.Writer()
                .putString("setup failed on worker " + daemon.info() + ": " + e.getMessage()).toBytes());
        }
    }

    private void offer(Frame frame, Payload.Reader in) throws IOException {
        int role = in.getByte("role");
        int index = in.getInt("index");
        String hash = in.getString("hash");
        int featureWidth = in.getInt("featureWidth");
        int numClasses = in.getInt("numClasses");
        long bytes = in.getLong("bytes");
        in.end();
        if (role != 0 && role != 1 || bytes < 0) {
            throw new ProtocolException("PARTITION_OFFER role=" + role + " bytes=" + bytes + " expected role 0|1, bytes>=0");
        }
        abandonTransfer();
        pending = new PendingPartition(role, index, hash, featureWidth, numClasses);
        boolean has = daemon.partitions().has(hash);
        if (has) {
            register(pending);
        } else {
            transfer = daemon.partitions().receive(hash, bytes);
        }
        channel.write(MessageType.PARTITION_STATUS, frame.correlation(), new Payload.Writer().putByte(has ? 1 : 0)
            .toBytes());
    }

    private void chunk(Payload.Reader in) throws IOException {
        long offset = in.getLong("offset");
        byte[] bytes = in.getBytes("bytes");
        in.end();
        if (transfer == null) {
            throw new ProtocolException("PARTITION_CHUNK with no partition offered and missing");
        }
        transfer.chunk(offset, bytes);
    }

    private void endTransfer(Frame frame) throws IOException {
        if (transfer == null) {
            throw new ProtocolException("PARTITION_END with no partition being received");
        }
        try {
            transfer.finish();
        } finally {
            transfer = null;
        }
        LOG.info("received partition {} from {}", pending.hash(), channel.peer());
        register(pending);
        channel.write(MessageType.PARTITION_STATUS, frame.correlation(), new Payload.Writer().putByte(1).toBytes());
    }

    private void register(PendingPartition partition) {
        String name = (partition.role() == 0 ? "partition-" + partition.index() : "validation") + "@" + partition.hash()
            .substring(0, 12);
        Dataset dataset = daemon.partitions().dataset(partition.hash(), name, partition.featureWidth(),
            partition.numClasses());
        if (partition.role() == 0) {
            partitions.put(partition.index(), dataset);
        } else {
            validation = dataset;
        }
    }

    private void abandonTransfer() {
        if (transfer != null) {
            try {
                transfer.close();
            } catch (IOException e) {
                LOG.warn("cannot remove an abandoned transfer: {}", e.toString());
            }
            transfer = null;
        }
    }

    private void train(Frame frame, Payload.Reader in) throws IOException {
        int trialId = in.getInt("trialId");
        int epoch = in.getInt("epoch");
        int partition = in.getInt("partition");
        boolean evaluate = in.getByte("evaluate") != 0;
        long trialSeed = in.getLong("trialSeed");
        Config config = ConfigCodec.read(in);
        byte[] state = in.getBytes("state");
        in.end();
        Dataset records = partitions.get(partition);
        if (trainable == null || records == null || evaluate && validation == null) {
            channel.write(MessageType.ERROR, frame.correlation(), new Payload.Writer().putString("worker "
                + daemon.info() + " cannot train partition=" + partition + ": " + (trainable == null ? "no SETUP"
                : records == null ? "it holds partitions " + partitions.keySet() : "no validation data")).toBytes());
            return;
        }
        long correlation = frame.correlation();
        try {
            queued.put(correlation, training.submit(() -> {
                queued.remove(correlation);
                runUnit(correlation, trialId, epoch, partition, evaluate, trialSeed, config, state, records);
            }));
        } catch (RejectedExecutionException e) {
            channel.tryWriteError(correlation, "worker " + daemon.info() + " is shutting down");
        }
    }

    /** On the training thread. */
    private void runUnit(long correlation, int trialId, int epoch, int partition, boolean evaluate, long trialSeed,
                         Config config, byte[] state, Dataset records) {
        UnitRunner.Result result = UnitRunner.run(trainable, data, config, trialSeed, null,
            state.length == 0 ? null : state, records, evaluate ? validation : null, epoch, partition);
        TrainableState trained = result.state();
        byte[] after = new byte[0];
        String failure = result.failure();
        Throwable fatal = result.fatal();
        try {
            if (failure == null && fatal == null) {
                after = trained.toBytes();
            }
        } catch (RuntimeException e) {
            failure = "cannot serialize the state: " + e;
        } catch (Error e) {
            fatal = e;
        } finally {
            if (trained != null) {
                trained.close();
            }
        }
        int status = fatal != null ? 2 : failure != null ? 1 : 0;
        if (fatal != null) {
            LOG.error("trial {} epoch {} partition {}: fatal {}", trialId, epoch, partition, fatal.toString());
        }
        Payload.Writer out = new Payload.Writer().putInt(trialId).putInt(epoch).putInt(partition).putByte(status)
            .putDouble(result.loss()).putByte(result.metrics() != null ? 1 : 0);
        if (result.metrics() != null) {
            MetricsCodec.write(out, result.metrics());
        }
        out.putString(fatal != null ? fatal.toString() : failure != null ? failure : "").putBytes(after)
            .putLong(result.endNanos() - result.startNanos());
        try {
            channel.write(MessageType.UNIT_DONE, correlation, out.toBytes());
        } catch (IOException e) {
            LOG.warn("cannot report trial {} epoch {} partition {} to {}: {}", trialId, epoch, partition, channel.peer(),
                e.toString());
        }
    }

    private void evaluate(Frame frame, Payload.Reader in) throws IOException {
        Config config = ConfigCodec.read(in);
        byte[] state = in.getBytes("state");
        in.end();
        if (trainable == null || validation == null) {
            channel.write(MessageType.ERROR, frame.correlation(), new Payload.Writer()
                .putString("worker " + daemon.info() + " has no " + (trainable == null ? "SETUP" : "validation data"))
                .toBytes());
            return;
        }
        long correlation = frame.correlation();
        queued.put(correlation, training.submit(() -> {
            queued.remove(correlation);
            try (TrainableState restored = trainable.restore(config, data, state)) {
                Metrics metrics = restored.evaluate(validation);
                Payload.Writer out = new Payload.Writer();
                MetricsCodec.write(out, metrics);
                channel.write(MessageType.EVALUATION_DONE, correlation, out.toBytes());
            } catch (IOException e) {
                LOG.warn("cannot report an evaluation to {}: {}", channel.peer(), e.toString());
            } catch (RuntimeException e) {
                channel.tryWriteError(correlation, "evaluation failed: " + e);
            }
        }));
    }
}
