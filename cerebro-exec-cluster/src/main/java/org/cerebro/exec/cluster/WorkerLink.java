package org.cerebro.exec.cluster;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Checkpoint;
import org.cerebro.exec.UnitJournal;
import org.cerebro.train.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's connection to one worker: connects and authenticates, sets the worker up
 * (trainable, partitions by content hash, validation data), then reads the worker's frames on a
 * thread of its own and turns them into {@link Event}s on the executor's queue. With a durable
 * journal, a unit's checkpoint is written on this thread before its event is queued.
 *
 * <p>Threading: {@link #connect} and {@link #send} are called by the coordinator's threads
 * (writes are synchronized in {@link FrameChannel}); the reader thread only reads and queues.
 */
final class WorkerLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLink.class);
    static final int CHUNK_BYTES = 4 << 20;

    /** What a link reports to the coordinator. */
    sealed interface Event permits UnitDone, Failed, Down, Rejoined {
        WorkerLink link();
    }

    /** A unit's reply. Status 0: trained; 1: the trial failed; 2: fatal for the run. */
    record UnitDone(WorkerLink link, long correlation, int trialId, int epoch, int partition, int status, double loss,
                    Metrics metrics, String message, byte[] state, Checkpoint checkpoint) implements Event {
    }

    /** The worker could not do a request. */
    record Failed(WorkerLink link, long correlation, String message) implements Event {
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
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean closed;

    private WorkerLink(int index, String address, FrameChannel channel, String info) {
        this.index = index;
        this.address = address;
        this.channel = channel;
        this.info = info;
    }

    /**
     * Connects to the worker at {@code address} and authenticates both ways.
     *
     * @throws IllegalStateException naming the address and what failed
     */
    static WorkerLink connect(int index, String address, byte[] secret, int connectTimeoutMillis) {
        int colon = address.lastIndexOf(':');
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))), connectTimeoutMillis);
            FrameChannel channel = new FrameChannel(socket);
            String info = Handshake.authenticateToWorker(channel, secret, connectTimeoutMillis);
            return new WorkerLink(index, address, channel, info);
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
     * {@link #startReading}.
     *
     * @return bytes of partitions actually sent
     */
    long setUp(String trainableSpec, int featureWidth, int numClasses, List<Integer> held, List<Dataset> partitions,
               List<String> hashes, Dataset validation, String validationHash, long timeoutMillis) throws IOException {
        channel.write(MessageType.SETUP, 1, new Payload.Writer().putString(trainableSpec).putInt(featureWidth)
            .putInt(numClasses).toBytes());
        expect(MessageType.SETUP_OK, timeoutMillis);
        long sent = 0;
        for (int p : held) {
            sent += offer(0, p, partitions.get(p), hashes.get(p), featureWidth, numClasses, timeoutMillis);
        }
        sent += offer(1, 0, validation, validationHash, featureWidth, numClasses, timeoutMillis);
        return sent;
    }

    private long offer(int role, int index, Dataset data, String hash, int featureWidth, int numClasses,
                       long timeoutMillis) throws IOException {
        long bytes = data.sizeInBytes();
        channel.write(MessageType.PARTITION_OFFER, 2, new Payload.Writer().putByte(role).putInt(index).putString(hash)
            .putInt(featureWidth).putInt(numClasses).putLong(bytes).toBytes());
        Frame status = expect(MessageType.PARTITION_STATUS, timeoutMillis);
        if (status.reader().getByte("has") == 1) {
            return 0;
        }
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, bytes)];
        for (long offset = 0; offset < bytes; offset += chunk.length) {
            int n = (int) Math.min(chunk.length, bytes - offset);
            byte[] piece = n == chunk.length ? chunk : new byte[n];
            data.records().getBytes((int) offset, piece, 0, n);
            channel.write(MessageType.PARTITION_CHUNK, 3, new Payload.Writer().putLong(offset).putBytes(piece).toBytes());
        }
        channel.write(MessageType.PARTITION_END, 4, new byte[0]);
        expect(MessageType.PARTITION_STATUS, timeoutMillis);
        LOG.info("sent {} ({} bytes) to worker {}", role == 0 ? "partition " + index : "validation data", bytes, address);
        return bytes;
    }

    private Frame expect(MessageType type, long timeoutMillis) throws IOException {
        Frame frame = channel.read(FrameChannel.MAX_HANDSHAKE_PAYLOAD << 10, timeoutMillis);
        if (frame.type() == MessageType.ERROR) {
            throw new IOException("worker " + address + ": " + frame.reader().getString("message"));
        }
        if (frame.type() != type) {
            throw new ProtocolException("worker " + address + " sent " + frame.type() + ", expected " + type);
        }
        return frame;
    }

    /** Starts the reader thread that queues this worker's events. */
    void startReading(BlockingQueue<Event> events, UnitJournal journal, int maxFrameBytes) {
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
                switch (frame.type()) {
                    case HEARTBEAT_ACK, HEARTBEAT -> {
                        // liveness only
                    }
                    case UNIT_DONE -> events.put(unitDone(frame, journal));
                    case ERROR -> events.put(new Failed(this, frame.correlation(), frame.reader().getString("message")));
                    default -> throw new ProtocolException("worker " + address + " sent " + frame.type()
                        + " during a search");
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

    private UnitDone unitDone(Frame frame, UnitJournal journal) throws ProtocolException {
        Payload.Reader in = frame.reader();
        int trialId = in.getInt("trialId");
        int epoch = in.getInt("epoch");
        int partition = in.getInt("partition");
        int status = in.getByte("status");
        double loss = in.getDouble("loss");
        Metrics metrics = in.getByte("hasMetrics") == 1 ? MetricsCodec.read(in) : null;
        String message = in.getString("message");
        byte[] state = in.getBytes("state");
        in.getLong("trainNanos");
        in.end();
        Checkpoint checkpoint = null;
        if (status == 0 && journal.durable()) {
            try {
                checkpoint = journal.checkpoint(trialId, epoch, state); // on this thread: overlaps other workers' units
            } catch (RuntimeException e) {
                status = 2; // a checkpoint that cannot be written: the run cannot go on durably
                message = "cannot write the checkpoint: " + e;
            }
        }
        return new UnitDone(this, frame.correlation(), trialId, epoch, partition, status, loss, metrics, message, state,
            checkpoint);
    }

    void send(MessageType type, long correlation, byte[] payload) throws IOException {
        channel.write(type, correlation, payload);
    }

    @Override
    public void close() {
        closed = true;
        channel.close();
    }

    @Override
    public String toString() {
        return "worker " + index + " " + address + " (" + info + ")";
    }
}
