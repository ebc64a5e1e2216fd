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
import java.util.concurrent.atomic.AtomicBoolean;
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
    /** Taken by whoever comes first: the training thread starting the unit, or a cancel before it starts. */
    private volatile AtomicBoolean unitClaim = new AtomicBoolean(true);
    private volatile int queuedBytes;
    /** Whether a unit of this session is queued or running and has not sent its reply yet. */
    private final AtomicBoolean unitOpen = new AtomicBoolean();
    private Trainable trainable;
    private DataSpec data;
    private Dataset validation;
    private PartitionStore.Transfer transfer;
    private Message.PartitionOffer receiving;
    /** Whether this connection became a data-parallel ring link (its reader is a rank's thread now). */
    private boolean handedOver;

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
            cancelQueued();
            if (!handedOver) {
                channel.close();
            }
            abandonTransfer();
            releasePartitions();
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
            } else if (message instanceof Message.DataParallelStart start) {
                dataParallel(frame, start);
            } else if (message instanceof Message.PeerHello hello) {
                if (trainable != null) {
                    throw new ProtocolException("peer " + channel.peer() + " sent PEER_HELLO on a coordinator's session");
                }
                daemon.ringLink(hello.group()).complete(channel);
                handedOver = true; // the rank's thread reads this link from now on
                LOG.info("{} is rank {}'s ring link of data-parallel group {}", channel.peer(), hello.rank(),
                    hello.group());
                return false;
            } else if (message instanceof Message.Cancel) {
                if (cancelQueued()) {
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
        if (unitOpen.get()) {
            throw new ProtocolException("SETUP while a unit of this session is in flight");
        }
        try {
            DataSpec shape = new DataSpec(setup.featureWidth(), setup.numClasses());
            Trainable built = TrainableFactory.build(setup.spec(), WorkerSession.class.getClassLoader());
            built.configureWorkers(Math.max(1, Runtime.getRuntime().availableProcessors() / daemon.settings().threads()));
            trainable = built.onDevice(daemon.settings().device());
            data = shape;
            releasePartitions();
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

    /** Queues {@code work} on the training thread, to run unless {@link #cancelQueued} comes first. */
    private Future<?> submit(Runnable work) {
        AtomicBoolean claim = new AtomicBoolean();
        unitClaim = claim;
        return daemon.training().submit(() -> {
            if (claim.compareAndSet(false, true)) {
                work.run();
            }
        });
    }

    /**
     * Stops this session's unit if it has not started, releasing its memory; false when there is
     * none or it started (a running unit releases what it holds itself; a {@link Future} cancelled
     * while it runs would go on running).
     */
    private boolean cancelQueued() {
        Future<?> queued = unit;
        if (queued == null || !unitClaim.compareAndSet(false, true)) {
            return false;
        }
        queued.cancel(false);
        unitOpen.set(false);
        daemon.memory().release(queuedBytes);
        return true;
    }

    /**
     * Gives the session's partitions back to the store, which unmaps one no session uses: after the
     * unit in flight if there is one (it still reads them: a coordinator that dies mid-unit must not
     * pull the memory from under it), else now.
     */
    private void releasePartitions() {
        List<String> held = new ArrayList<>(acquired);
        acquired.clear();
        Runnable release = () -> held.forEach(daemon.partitions()::release);
        Future<?> running = unit;
        if (running == null || running.isDone()) {
            release.run();
            return;
        }
        try {
            daemon.training().execute(release); // the one training thread: after the unit in flight
        } catch (RejectedExecutionException e) {
            LOG.debug("shutting down: the store closes once the unit in flight ends");
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
            unit = submit(() -> runUnit(correlation, work, records, reserved));
            return true;
        } catch (RejectedExecutionException e) {
            // shutting down: leave as a stopped worker leaves, so the coordinator runs the unit elsewhere
            unitOpen.set(false);
            channel.close();
            return false;
        }
    }

    /** Queues this worker's rank of a data-parallel epoch on the training thread. */
    private void dataParallel(Frame frame, Message.DataParallelStart start) throws IOException {
        List<Dataset> local = new ArrayList<>();
        for (int p : start.partitions()) {
            Dataset part = partitions.get(p);
            if (part == null) {
                channel.write(new Message.Error("worker " + daemon.info() + " cannot train partition=" + p
                    + " data-parallel: it holds partitions " + partitions.keySet()), frame.correlation());
                return;
            }
            local.add(part);
        }
        if (trainable == null || start.rank() == 0 && start.evaluate() && validation == null) {
            channel.write(new Message.Error("worker " + daemon.info() + " cannot run a data-parallel rank: "
                + (trainable == null ? "no SETUP" : "no validation data")), frame.correlation());
            return;
        }
        if (!unitOpen.compareAndSet(false, true)) {
            throw new ProtocolException("peer " + channel.peer() + " sent DP_START while its unit runs: one at a time");
        }
        long correlation = frame.correlation();
        queuedBytes = 0; // its frame is released once handled
        try {
            unit = submit(() -> runRank(correlation, start, local));
        } catch (RejectedExecutionException e) {
            unitOpen.set(false);
            channel.close(); // shutting down: the coordinator runs the epoch again without this worker
        }
    }

    /**
     * On the training thread: this worker's rank of a data-parallel epoch. Links to the next rank
     * (and takes the previous rank's link), trains with the ring all-reduce, and reports: rank 0
     * the state after the epoch and its metrics, every rank its loss sum. A ring that breaks (a
     * peer lost) fails the rank; the coordinator, which sees the peer lost, runs the epoch again.
     */
    private void runRank(long correlation, Message.DataParallelStart start, List<Dataset> local) {
        long begin = System.nanoTime();
        WorkerDaemon.Settings settings = daemon.settings();
        UnitWork work = new UnitWork(start.trialId(), start.epoch(), org.cerebro.exec.UnitRecord.ALL_PARTITIONS,
            start.config(), start.trialSeed(), start.state().length == 0 ? TrialState.NONE
            : new TrialState.Bytes(start.state()), start.evaluate());
        org.cerebro.train.TrainableState state = null;
        RingAllReduce ring = null;
        Message.UnitDone reply;
        try {
            state = start.state().length == 0 ? trainable.init(start.config(), start.trialSeed(), data)
                : trainable.restore(start.config(), data, start.state());
            org.cerebro.train.GradientStep step = org.cerebro.exec.DataParallelGroup.gradientStep(state, trainable);
            long linkTimeout = Math.max(settings.handshakeTimeoutMillis(), 10_000);
            FrameChannel right = daemon.connectPeer(start.right(), linkTimeout);
            right.write(new Message.PeerHello(start.group(), start.rank()), 0);
            FrameChannel left;
            try {
                left = daemon.ringLink(start.group()).get(linkTimeout, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException
                     | java.util.concurrent.CancellationException e) {
                right.close();
                throw new IOException("rank " + start.rank() + ": the previous rank did not link in " + linkTimeout + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                right.close();
                throw new IOException("interrupted while waiting for the previous rank's link", e);
            }
            ring = new RingAllReduce(start.group(), start.rank(), start.ranks(), left, right,
                settings.idleTimeoutMillis(), settings.maxFrameBytes(), daemon.memory());
            float[] gradient = new float[step.gradientLength()];
            double lossSum = org.cerebro.exec.DataParallelGroup.train(step, start.rank(), start.rankRecords(), local,
                gradient, ring);
            if (start.rank() == 0) {
                long records = java.util.Arrays.stream(start.rankRecords()).asLongStream().sum();
                UnitResult result = org.cerebro.exec.DataParallelGroup.finish(state, lossSum, records, start.ranks(),
                    work, validation, UnitJournal.NONE, true, begin);
                state = null; // finish closed it, or turned it to bytes
                reply = reply(work, result, lossSum);
            } else {
                reply = new Message.UnitDone(work.trialId(), work.epoch(), work.partition(), Double.isNaN(lossSum)
                    ? Message.Outcome.TRIAL_FAILED : Message.Outcome.TRAINED, lossSum, null,
                    Double.isNaN(lossSum) ? "a rank's training loss was not finite" : "", new byte[0],
                    System.nanoTime() - begin);
            }
        } catch (IOException | RuntimeException e) {
            reply = new Message.UnitDone(work.trialId(), work.epoch(), work.partition(), Message.Outcome.TRIAL_FAILED,
                Double.NaN, null, "rank " + start.rank() + " of a data-parallel epoch on worker " + daemon.info()
                    + ": " + UnitRunner.describe(e), new byte[0], System.nanoTime() - begin);
        } catch (Error e) {
            LOG.error("data-parallel rank {} of trial {}: fatal {}", start.rank(), start.trialId(), e.toString());
            reply = new Message.UnitDone(work.trialId(), work.epoch(), work.partition(), Message.Outcome.FATAL,
                Double.NaN, null, e.toString(), new byte[0], System.nanoTime() - begin);
        } finally {
            if (ring != null) {
                ring.close();
            }
            daemon.ringDone(start.group());
            if (state != null) {
                try {
                    state.close();
                } catch (RuntimeException e) {
                    LOG.warn("closing a data-parallel replica: {}", e.toString());
                }
            }
        }
        unitOpen.set(false);
        try {
            channel.write(reply, correlation);
        } catch (IOException e) {
            LOG.warn("cannot report data-parallel rank {} of trial {} to {}: {}", start.rank(), start.trialId(),
                channel.peer(), e.toString());
        }
    }

    /** Rank 0's report: its result, with its loss sum (the coordinator adds the other ranks'). */
    private static Message.UnitDone reply(UnitWork work, UnitResult result, double lossSum) {
        Message.Outcome outcome = result.fatal() != null ? Message.Outcome.FATAL
            : result.failure() != null ? Message.Outcome.TRIAL_FAILED : Message.Outcome.TRAINED;
        byte[] after = result.state() instanceof TrialState.Bytes bytes ? bytes.bytes() : new byte[0];
        String message = result.fatal() != null ? result.fatal().toString()
            : result.failure() != null ? result.failure() : "";
        return new Message.UnitDone(work.trialId(), work.epoch(), work.partition(), outcome, lossSum, result.metrics(),
            message, after, result.endNanos() - result.startNanos());
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
