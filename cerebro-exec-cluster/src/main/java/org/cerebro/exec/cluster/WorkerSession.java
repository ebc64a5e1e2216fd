package org.cerebro.exec.cluster;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.cerebro.data.Dataset;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitJournal;
import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitRunner;
import org.cerebro.exec.UnitWork;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a worker daemon: authenticates the peer, then serves its requests until it
 * leaves, breaks the protocol or goes quiet past the idle timeout. Units run on the daemon's one
 * training thread (the device), one per session at a time; heartbeats are answered here at once,
 * even while a unit trains.
 *
 * <p>Threading: {@link #run()} is the session's reader thread; unit replies are written from the
 * training thread ({@link FrameChannel#write} is synchronized).
 */
final class WorkerSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSession.class);

    private final WorkerDaemon daemon;
    private final FrameChannel channel;
    private final Map<Integer, Dataset> partitions = new HashMap<>();
    private final List<String> acquired = new ArrayList<>();
    private volatile Future<?> unit;
    private volatile int queuedBytes;
    /** Whether a unit of this session is queued or running and has not sent its reply yet. */
    private final java.util.concurrent.atomic.AtomicBoolean unitOpen = new java.util.concurrent.atomic.AtomicBoolean();
    private Trainable trainable;
    private DataSpec data;
    private Dataset validation;
    private PartitionStore.Transfer transfer;
    private Message.PartitionOffer receiving;

    WorkerSession(WorkerDaemon daemon, Socket socket) throws IOException {
        this.daemon = daemon;
        this.channel = new FrameChannel(socket, daemon.memory(), daemon.settings().writeTimeoutMillis());
    }

    String peer() {
        return channel.peer();
    }

    String peerHost() {
        return channel.peerHost();
    }

    void close() {
        channel.close();
    }

    @Override
    public void run() {
        WorkerDaemon.Settings settings = daemon.settings();
        try { // not try-with-resources: the handlers below still write their error to the peer
            try {
                Handshake.acceptCoordinator(channel, settings.secret(), daemon.info(), settings.handshakeTimeoutMillis());
            } catch (Handshake.WrongSecretException e) {
                daemon.authenticationFailed(this);
                daemon.refusals().warn("secret", "dropping " + channel.peer() + ": " + e.getMessage());
                return;
            }
            if (!daemon.authenticated(this)) {
                daemon.refusals().warn("sessions", "refusing coordinator " + channel.peer() + ": "
                    + settings.maxSessions() + " sessions are open (--max-sessions)");
                try {
                    channel.write(new Message.RetryLater(1_000, "worker " + daemon.info() + " is busy: "
                        + settings.maxSessions() + " sessions are open"), 0);
                } catch (IOException e) {
                    // gone already
                }
                return;
            }
            LOG.info("coordinator {} authenticated", channel.peer());
            while (!daemon.isStopped()) {
                Frame frame;
                try {
                    frame = channel.read(settings.maxFrameBytes(), settings.idleTimeoutMillis());
                } catch (SocketTimeoutException e) {
                    if (daemon.isClosing()) {
                        continue; // a unit may still be reporting; the session ends once the worker has stopped
                    }
                    throw e;
                }
                if (!handle(frame)) {
                    return;
                }
            }
        } catch (FrameChannel.VersionMismatchException e) {
            daemon.refusals().warn("version", "dropping " + channel.peer() + ": " + e.getMessage());
            channel.tryWriteError(0, "this worker speaks protocol version " + FrameChannel.VERSION + ", you sent version "
                + e.version);
        } catch (SocketTimeoutException e) {
            daemon.refusals().warn("timeout", "dropping " + channel.peer() + ": silent past the timeout ("
                + e.getMessage() + ")");
        } catch (EOFException e) {
            LOG.debug("{} disconnected", channel.peer());
        } catch (ProtocolException e) {
            daemon.refusals().warn("protocol", "dropping " + channel.peer() + ": " + e.getMessage());
            channel.tryWriteError(0, e.getMessage());
        } catch (IOException e) {
            if (!daemon.isClosing()) {
                daemon.refusals().warn("io", "dropping " + channel.peer() + ": " + e);
            }
        } catch (RuntimeException e) {
            LOG.error("session with {} failed", channel.peer(), e);
            channel.tryWriteError(0, "worker error: " + e);
        } finally {
            Future<?> queued = unit;
            if (queued != null && queued.cancel(false)) {
                unitOpen.set(false); // it never ran: its memory is released here
                daemon.memory().release(queuedBytes);
            }
            channel.close();
            abandonTransfer();
            acquired.forEach(daemon.partitions()::release);
            daemon.sessionEnded(this);
        }
    }

    /** Handles one frame; false ends the session. Releases the frame's memory unless a unit holds it. */
    private boolean handle(Frame frame) throws IOException {
        boolean held = false;
        try {
            Message message = Message.decode(frame, WorkerSession.class.getClassLoader());
            if (message instanceof Message.Heartbeat beat) {
                channel.write(new Message.HeartbeatAck(beat.nanos()), frame.correlation());
            } else if (message instanceof Message.Setup setup) {
                setup(frame, setup);
            } else if (message instanceof Message.PartitionOffer offer) {
                offer(frame, offer);
            } else if (message instanceof Message.PartitionChunk chunk) {
                if (transfer == null) {
                    throw new ProtocolException("PARTITION_CHUNK with no partition offered and missing");
                }
                transfer.chunk(chunk.offset(), chunk.bytes());
            } else if (message instanceof Message.PartitionEnd) {
                endTransfer(frame);
            } else if (message instanceof Message.TrainUnit train) {
                held = train(frame, train);
            } else if (message instanceof Message.Cancel) {
                Future<?> queued = unit;
                if (queued != null && queued.cancel(false)) {
                    unitOpen.set(false);
                    daemon.memory().release(queuedBytes);
                    LOG.info("{} cancelled its queued unit", channel.peer());
                }
            } else if (message instanceof Message.Shutdown) {
                LOG.info("{} asked this worker to shut down", channel.peer());
                daemon.closeLater();
                return false;
            } else {
                throw new ProtocolException("peer " + channel.peer() + " sent " + frame.type()
                    + ", which a worker does not accept");
            }
            return true;
        } finally {
            if (!held) {
                daemon.memory().release(frame.payload().length);
            }
        }
    }

    private void setup(Frame frame, Message.Setup setup) throws IOException {
        try {
            DataSpec shape = new DataSpec(setup.featureWidth(), setup.numClasses());
            Trainable built = TrainableFactory.build(setup.spec(), WorkerSession.class.getClassLoader());
            built.configureWorkers(Math.max(1, Runtime.getRuntime().availableProcessors() / daemon.settings().threads()));
            trainable = built.onDevice(daemon.settings().device());
            data = shape;
            acquired.forEach(daemon.partitions()::release);
            acquired.clear();
            partitions.clear();
            validation = null;
            LOG.info("{} set up trainable {} for {} features, {} classes", channel.peer(), setup.spec(),
                setup.featureWidth(), setup.numClasses());
            channel.write(new Message.SetupOk(), frame.correlation());
        } catch (RuntimeException e) {
            LOG.warn("{} setup failed: {}", channel.peer(), e.getMessage());
            channel.write(new Message.Error("setup failed on worker " + daemon.info() + ": " + e.getMessage()),
                frame.correlation());
        }
    }

    private void offer(Frame frame, Message.PartitionOffer offer) throws IOException {
        abandonTransfer();
        if (offer.featureWidth() < 1 || offer.numClasses() < 2) {
            throw new ProtocolException("PARTITION_OFFER featureWidth=" + offer.featureWidth() + " numClasses="
                + offer.numClasses() + " expected >= 1 and >= 2");
        }
        boolean has = daemon.partitions().has(offer.hash());
        if (!has) {
            try {
                transfer = daemon.partitions().receive(offer.hash(), offer.bytes());
            } catch (PartitionStore.DiskFullException e) {
                LOG.warn("{}: {}", channel.peer(), e.getMessage());
                channel.write(new Message.Error(e.getMessage()), frame.correlation());
                return;
            }
            receiving = offer;
            LOG.info("receiving partition {} ({} bytes) from {}", offer.hash(), offer.bytes(), channel.peer());
        } else {
            register(offer);
        }
        channel.write(new Message.PartitionStatus(has), frame.correlation());
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
        LOG.info("received partition {} from {}", receiving.hash(), channel.peer());
        register(receiving);
        channel.write(new Message.PartitionStatus(true), frame.correlation());
    }

    private void register(Message.PartitionOffer offer) {
        String name = (offer.role() == Message.Role.TRAIN ? "partition-" + offer.index() : "validation") + "@"
            + offer.hash().substring(0, 12);
        Dataset dataset = daemon.partitions().acquire(offer.hash(), name, offer.featureWidth(), offer.numClasses());
        acquired.add(offer.hash());
        if (offer.role() == Message.Role.TRAIN) {
            partitions.put(offer.index(), dataset);
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

    /** Queues a unit on the training thread; true when the unit holds the frame's memory (released when it ends). */
    private boolean train(Frame frame, Message.TrainUnit request) throws IOException {
        Dataset records = partitions.get(request.partition());
        if (trainable == null || records == null || request.evaluate() && validation == null) {
            channel.write(new Message.Error("worker " + daemon.info() + " cannot train partition=" + request.partition()
                + ": " + (trainable == null ? "no SETUP" : records == null ? "it holds partitions " + partitions.keySet()
                : "no validation data")), frame.correlation());
            return false;
        }
        if (!unitOpen.compareAndSet(false, true)) {
            throw new ProtocolException("peer " + channel.peer() + " sent TRAIN_UNIT while its unit runs: one at a time");
        }
        UnitWork work;
        try {
            work = new UnitWork(request.trialId(), request.epoch(), request.partition(), request.config(),
                request.trialSeed(), request.state().length == 0 ? TrialState.NONE : new TrialState.Bytes(request.state()),
                request.evaluate());
        } catch (IllegalArgumentException e) {
            unitOpen.set(false);
            throw new ProtocolException("TRAIN_UNIT " + e.getMessage());
        }
        long correlation = frame.correlation();
        int reserved = frame.payload().length;
        queuedBytes = reserved;
        try {
            unit = daemon.training().submit(() -> runUnit(correlation, work, records, reserved));
            return true;
        } catch (RejectedExecutionException e) {
            unitOpen.set(false);
            channel.tryWriteError(correlation, "worker " + daemon.info() + " is shutting down");
            return false;
        }
    }

    /**
     * On the training thread: runs the unit and reports it, the state after it as bytes. The
     * request's memory is released and the session may take its next unit before the reply goes
     * out: the coordinator sends the next one as soon as it has the reply.
     */
    private void runUnit(long correlation, UnitWork work, Dataset records, int reserved) {
        UnitResult result;
        try {
            result = UnitRunner.run(trainable, data, work, records, validation, UnitJournal.NONE, true);
        } finally {
            daemon.memory().release(reserved);
        }
        Message.Outcome outcome = result.fatal() != null ? Message.Outcome.FATAL
            : result.failure() != null ? Message.Outcome.TRIAL_FAILED : Message.Outcome.TRAINED;
        if (result.fatal() != null) {
            LOG.error("trial {} epoch {} partition {}: fatal {}", work.trialId(), work.epoch(), work.partition(),
                result.fatal().toString());
        }
        byte[] after = result.state() instanceof TrialState.Bytes bytes ? bytes.bytes() : new byte[0];
        String message = result.fatal() != null ? result.fatal().toString()
            : result.failure() != null ? result.failure() : "";
        unitOpen.set(false);
        try {
            channel.write(new Message.UnitDone(work.trialId(), work.epoch(), work.partition(), outcome, result.loss(),
                result.metrics(), message, after, result.endNanos() - result.startNanos()), correlation);
            if (daemon.isClosing()) {
                LOG.info("reported trial {} epoch {} partition {} to {} while shutting down", work.trialId(), work.epoch(),
                    work.partition(), channel.peer());
            }
        } catch (IOException e) {
            LOG.warn("cannot report trial {} epoch {} partition {} to {}: {}", work.trialId(), work.epoch(),
                work.partition(), channel.peer(), e.toString());
        }
    }
}
