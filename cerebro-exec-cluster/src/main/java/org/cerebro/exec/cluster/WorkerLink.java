package org.cerebro.exec.cluster;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Checkpoint;
import org.cerebro.exec.UnitJournal;
import org.cerebro.train.TrainableSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's connection to one worker: connects and authenticates, sets the worker up
 * (trainable, partitions by content hash, validation data), then reads the worker's frames on a
 * thread of its own and turns them into {@link Event}s on the executor's queue, and writes on a
 * thread of its own, so the kernel's thread never blocks on a worker. With a durable journal, a
 * unit's checkpoint is written on the reader thread before its event is queued.
 *
 * <p>Threading: {@link #connect} and {@link #setUp} run on a setup thread; afterwards one reader
 * and one writer thread; {@link #send} and {@link #close} from any thread.
 */
final class WorkerLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLink.class);
    static final int CHUNK_BYTES = 4 << 20;
    /** Extra time a worker may take to build the trainable: the first load of a native engine (libtorch) is slow. */
    static final long SETUP_MILLIS = 60_000;
    /** The slowest disk a worker hashes a stored partition from, for the deadline of its answer. */
    static final long MIN_HASH_BYTES_PER_SECOND = 20L << 20;

    /** What a link reports to the coordinator. */
    sealed interface Event permits UnitReply, Refused, Down, Rejoined {
        WorkerLink link();
    }

    /** A unit's reply, with the checkpoint of its state when the journal is durable. */
    record UnitReply(WorkerLink link, long correlation, Message.UnitDone reply, Checkpoint checkpoint,
                     String checkpointFailure, long receivedNanos) implements Event {
    }

    /** The worker could not do a request. */
    record Refused(WorkerLink link, long correlation, String message) implements Event {
    }

    /** The connection is gone. */
    record Down(WorkerLink link, String reason) implements Event {
    }

    /** A dropped worker reconnected and is set up again (queued by the coordinator's rejoin thread). */
    record Rejoined(WorkerLink link) implements Event {
    }

    private final int index;
    private final String address;
    private final FrameChannel channel;
    private final String info;
    private final ExecutorService writer;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean closed;

    private WorkerLink(int index, String address, FrameChannel channel, String info) {
        this.index = index;
        this.address = address;
        this.channel = channel;
        this.info = info;
        this.writer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cerebro-send-" + address);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects to the worker at {@code address} and authenticates both ways.
     *
     * @throws IllegalStateException naming the address and what failed
     */
    static WorkerLink connect(int index, String address, byte[] secret, int connectTimeoutMillis,
                              long writeTimeoutMillis) {
        long deadline = System.nanoTime() + connectTimeoutMillis * 1_000_000L;
        while (true) {
            try {
                return connectOnce(index, address, secret, connectTimeoutMillis, writeTimeoutMillis);
            } catch (RetryLater later) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (later.millis > left) {
                    throw new IllegalStateException("cannot reach worker " + address + ": " + later.getMessage()
                        + ", longer than the connect timeout of " + connectTimeoutMillis + " ms allows");
                }
                try {
                    Thread.sleep(Math.max(1, later.millis));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while connecting to worker " + address, e);
                }
            }
        }
    }

    /** The worker asked us to come back later. */
    private static final class RetryLater extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long millis;

        RetryLater(String message, long millis) {
            super(message);
            this.millis = millis;
        }
    }

    private static WorkerLink connectOnce(int index, String address, byte[] secret, int connectTimeoutMillis,
                                          long writeTimeoutMillis) {
        int colon = address.lastIndexOf(':');
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))), connectTimeoutMillis);
            FrameChannel channel = new FrameChannel(socket, null, writeTimeoutMillis);
            String info = Handshake.authenticateToWorker(channel, secret, connectTimeoutMillis);
            return new WorkerLink(index, address, channel, info);
        } catch (Handshake.RetryLaterException e) {
            close(socket);
            throw new RetryLater(e.getMessage(), e.millis);
        } catch (FrameChannel.VersionMismatchException e) {
            close(socket);
            throw new IllegalStateException("worker " + address + " speaks protocol version " + e.version
                + "; this coordinator speaks version " + FrameChannel.VERSION + ": run the same Cerebro version on both");
        } catch (IOException e) {
            close(socket);
            throw new IllegalStateException("cannot reach worker " + address + ": " + e.getMessage()
                + " (connect timeout " + connectTimeoutMillis + " ms)", e);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // never connected
        }
    }

    int index() {
        return index;
    }

    String address() {
        return address;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /**
     * Sets the worker up for a search and sends the partitions it lacks; synchronous, before
     * {@link #startReading}. Every read and write has a deadline.
     *
     * @return bytes of partitions actually sent
     */
    long setUp(TrainableSpec spec, int featureWidth, int numClasses, List<Integer> held, List<Dataset> partitions,
               List<String> hashes, Dataset validation, String validationHash, long timeoutMillis) throws IOException {
        channel.write(new Message.Setup(spec, featureWidth, numClasses), 1);
        expect(MessageType.SETUP_OK, timeoutMillis + SETUP_MILLIS);
        long sent = 0;
        for (int p : held) {
            sent += offer(Message.Role.TRAIN, p, partitions.get(p), hashes.get(p), featureWidth, numClasses, timeoutMillis);
        }
        sent += offer(Message.Role.VALIDATION, 0, validation, validationHash, featureWidth, numClasses, timeoutMillis);
        return sent;
    }

    private long offer(Message.Role role, int index, Dataset data, String hash, int featureWidth, int numClasses,
                       long timeoutMillis) throws IOException {
        long bytes = data.sizeInBytes();
        channel.write(new Message.PartitionOffer(role, index, hash, featureWidth, numClasses, bytes), 2);
        // the worker hashes a partition it has before it answers, and one it received before it confirms
        long replyMillis = timeoutMillis + bytes * 1000 / MIN_HASH_BYTES_PER_SECOND;
        Message.PartitionStatus status = (Message.PartitionStatus) expect(MessageType.PARTITION_STATUS, replyMillis);
        if (status.has()) {
            return 0;
        }
        for (long offset = 0; offset < bytes; offset += CHUNK_BYTES) {
            byte[] piece = new byte[(int) Math.min(CHUNK_BYTES, bytes - offset)];
            data.records().getBytes((int) offset, piece, 0, piece.length);
            channel.write(new Message.PartitionChunk(offset, piece), 3);
        }
        channel.write(new Message.PartitionEnd(), 4);
        expect(MessageType.PARTITION_STATUS, replyMillis);
        LOG.info("sent {} ({} bytes) to worker {}", role == Message.Role.TRAIN ? "partition " + index : "validation data",
            bytes, address);
        return bytes;
    }

    private Message expect(MessageType type, long timeoutMillis) throws IOException {
        Frame frame = channel.read(FrameChannel.MAX_HANDSHAKE_PAYLOAD << 10, timeoutMillis);
        Message message = Message.decode(frame, WorkerLink.class.getClassLoader());
        if (message instanceof Message.Error error) {
            throw new IOException("worker " + address + ": " + error.message());
        }
        if (frame.type() != type) {
            throw new ProtocolException("worker " + address + " sent " + frame.type() + ", expected " + type);
        }
        return message;
    }

    /**
     * Starts the reader thread that queues this worker's events. The worker counts as heard from
     * now: the heartbeat clock starts when it is ready, not when setup began.
     */
    void startReading(BlockingQueue<Event> events, UnitJournal journal, int maxFrameBytes) {
        lastHeardNanos = System.nanoTime();
        Thread reader = new Thread(() -> read(events, journal, maxFrameBytes), "cerebro-link-" + address);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(BlockingQueue<Event> events, UnitJournal journal, int maxFrameBytes) {
        try {
            while (!closed) {
                Frame frame;
                try {
                    frame = channel.read(maxFrameBytes, Long.MAX_VALUE / 2_000_000L);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                lastHeardNanos = System.nanoTime();
                Message message = Message.decode(frame, WorkerLink.class.getClassLoader());
                if (message instanceof Message.UnitDone done) {
                    events.put(reply(frame.correlation(), done, journal));
                } else if (message instanceof Message.Error error) {
                    events.put(new Refused(this, frame.correlation(), error.message()));
                } else if (!(message instanceof Message.HeartbeatAck || message instanceof Message.Heartbeat)) {
                    throw new ProtocolException("worker " + address + " sent " + frame.type() + " during a search");
                }
            }
        } catch (EOFException e) {
            offerDown(events, "closed the connection");
        } catch (IOException | RuntimeException e) {
            offerDown(events, e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void offerDown(BlockingQueue<Event> events, String reason) {
        if (!closed) {
            events.add(new Down(this, reason));
        }
    }

    /** The reply as an event; its state checkpointed here, overlapping the other workers' units. */
    private UnitReply reply(long correlation, Message.UnitDone done, UnitJournal journal) {
        Checkpoint checkpoint = null;
        String failure = null;
        // a data-parallel rank's reply is checkpointed once every rank has replied, by the coordinator
        if (done.outcome() == Message.Outcome.TRAINED && journal.durable()
            && done.partition() != org.cerebro.exec.UnitRecord.ALL_PARTITIONS) {
            try {
                checkpoint = journal.checkpoint(done.trialId(), done.epoch(), done.state());
            } catch (RuntimeException e) {
                failure = "cannot write the checkpoint: " + e;
            }
        }
        return new UnitReply(this, correlation, done, checkpoint, failure, System.nanoTime());
    }

    /**
     * Sends {@code message} on the writer thread; a write that fails or misses its deadline closes
     * the connection, which the reader reports as {@link Down}.
     */
    void send(Message message, long correlation) {
        try {
            writer.execute(() -> {
                try {
                    channel.write(message, correlation);
                } catch (IOException e) {
                    LOG.warn("cannot send {} to worker {}: {}", message.type(), address, e.getMessage());
                    channel.close();
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: the message has nowhere to go
        }
    }

    @Override
    public void close() {
        closed = true;
        writer.shutdown();
        channel.close();
    }

    /** Sends {@code message} if the link is still open, then closes it once the writer has sent it. */
    void closeAfter(Message message) {
        send(message, 0);
        closed = true;
        writer.shutdown();
        Thread closer = new Thread(() -> {
            try {
                writer.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            channel.close();
        }, "cerebro-close-" + address);
        closer.setDaemon(true);
        closer.start();
    }

    @Override
    public String toString() {
        return "worker " + index + " " + address + " (" + info + ")";
    }
}
