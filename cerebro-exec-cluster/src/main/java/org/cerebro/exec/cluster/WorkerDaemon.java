package org.cerebro.exec.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.cerebro.train.WorkerDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster worker: listens for coordinators, authenticates each (HMAC on the shared secret, then
 * a tag on every frame with the session's keys), keeps the partitions it is sent in
 * memory-mapped files in its work directory, and trains the units it is asked to on its one
 * device, one at a time.
 *
 * <pre>
 * java -jar cerebro-worker.jar --listen 127.0.0.1:7601 --secret-file secret \
 *     --work-dir /var/lib/cerebro/w1 [--device cpu|gpu:N] [--threads T]
 *     [--handshake-timeout-ms 5000] [--idle-timeout-ms 60000] [--write-timeout-ms 10000]
 *     [--max-frame-mb 512] [--max-memory-mb half the heap] [--disk-budget-mb unlimited]
 *     [--max-sessions 16] [--max-pending 32] [--max-pending-per-address 16]
 * </pre>
 *
 * <p>Limits against bad peers. Connections that have not authenticated yet have their own budget
 * ({@code --max-pending}, and per address), apart from authenticated sessions
 * ({@code --max-sessions}): when it is full the oldest pending connection is dropped for the new
 * one, so idle sockets held by a peer without the secret never lock a coordinator out. A wrong
 * secret gets one error frame and the address is made to wait before its next attempt (back-off
 * doubling from 100 ms to 5 s). Refusals are logged at a bounded rate. Frame payloads are
 * reserved in a worker-wide memory budget as their bytes arrive; partitions must fit the disk
 * budget (unused ones are evicted, least recently used first) and the free space.
 *
 * <p>It binds to loopback unless {@code --listen} names another address, logs what it does, and on
 * SIGTERM (or a coordinator's SHUTDOWN) stops accepting, lets the unit in flight finish and
 * report (up to 30 s), then closes its connections and exits. Prints
 * {@code cerebro worker listening on HOST:PORT} once it accepts.
 *
 * <p>Thread-safe.
 */
public final class WorkerDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerDaemon.class);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * How a worker runs.
     *
     * @param listen                 the address to bind (port 0 picks a free one)
     * @param secret                 the shared secret, at least 16 bytes
     * @param workDir                where partitions are kept
     * @param device                 the device units train on
     * @param threads                the intra-op threads training may use
     * @param handshakeTimeoutMillis how long a new peer has to authenticate
     * @param idleTimeoutMillis      how long an authenticated peer may stay silent (coordinators
     *                               send heartbeats well within it)
     * @param writeTimeoutMillis     how long a write to a peer may take (plus time for its size)
     * @param maxFrameBytes          the largest frame accepted after authentication
     * @param maxMemoryBytes         the most frame payload bytes held at once, over all sessions
     * @param diskBudgetBytes        the most bytes of partitions kept in the work directory
     * @param maxSessions            authenticated sessions at once
     * @param maxPending             connections not yet authenticated at once
     * @param maxPendingPerAddress   of those, from one address
     */
    public record Settings(InetSocketAddress listen, byte[] secret, Path workDir, WorkerDevice device, int threads,
                           long handshakeTimeoutMillis, long idleTimeoutMillis, long writeTimeoutMillis,
                           int maxFrameBytes, long maxMemoryBytes, long diskBudgetBytes, int maxSessions, int maxPending,
                           int maxPendingPerAddress) {
        /** Validates. */
        public Settings {
            secret = Secrets.check(secret, "secret");
            if (threads < 1 || handshakeTimeoutMillis < 1 || idleTimeoutMillis < 1 || writeTimeoutMillis < 1
                || maxFrameBytes < 1024 || maxMemoryBytes < maxFrameBytes || diskBudgetBytes < 1 || maxSessions < 1
                || maxPending < 1 || maxPendingPerAddress < 1) {
                throw new IllegalArgumentException("threads=" + threads + " handshakeTimeoutMillis=" + handshakeTimeoutMillis
                    + " idleTimeoutMillis=" + idleTimeoutMillis + " writeTimeoutMillis=" + writeTimeoutMillis
                    + " maxFrameBytes=" + maxFrameBytes + " maxMemoryBytes=" + maxMemoryBytes + " diskBudgetBytes="
                    + diskBudgetBytes + " maxSessions=" + maxSessions + " maxPending=" + maxPending
                    + " maxPendingPerAddress=" + maxPendingPerAddress + " expected counts and timeouts >= 1,"
                    + " maxFrameBytes >= 1024 and maxMemoryBytes >= maxFrameBytes");
            }
        }

        /** Settings with the default limits for the rest. */
        public Settings(InetSocketAddress listen, byte[] secret, Path workDir, WorkerDevice device, int threads,
                        long handshakeTimeoutMillis, long idleTimeoutMillis, int maxFrameBytes) {
            this(listen, secret, workDir, device, threads, handshakeTimeoutMillis, idleTimeoutMillis, 10_000,
                maxFrameBytes, Math.max(maxFrameBytes, Runtime.getRuntime().maxMemory() / 2), Long.MAX_VALUE, 16, 32,
                16);
        }
    }

    private final Settings settings;
    private final ServerSocket server;
    private final PartitionStore partitions;
    private final MemoryBudget memory;
    private final ExecutorService training;
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, 10_000);
    /** Connections not yet authenticated, oldest first. */
    private final Deque<WorkerSession> pending = new ArrayDeque<>();
    private final Set<WorkerSession> sessions = ConcurrentHashMap.newKeySet();
    private final Map<String, long[]> failures = new HashMap<>(); // address -> {failures, next allowed nanos}
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Ring links of data-parallel epochs, by group: the previous rank's connection, once it said hello. */
    private final Map<Long, java.util.concurrent.CompletableFuture<FrameChannel>> ringLinks =
        new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closing;
    private volatile boolean stopped;

    private WorkerDaemon(Settings settings) throws IOException {
        this.settings = settings;
        this.partitions = new PartitionStore(settings.workDir(), settings.diskBudgetBytes());
        this.memory = new MemoryBudget(settings.maxMemoryBytes());
        this.training = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cerebro-train");
            thread.setDaemon(true);
            return thread;
        });
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(settings.listen(), 256);
        Thread acceptor = new Thread(this::accept, "cerebro-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("cerebro worker {} listening on {}, work dir {}", info(), address(), settings.workDir());
    }

    /** Starts a worker with {@code settings}; it accepts until {@link #close()}. */
    public static WorkerDaemon start(Settings settings) {
        try {
            return new WorkerDaemon(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.listen(), e);
        }
    }

    /** The bound address, as {@code host:port}. */
    public String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    Settings settings() {
        return settings;
    }

    PartitionStore partitions() {
        return partitions;
    }

    MemoryBudget memory() {
        return memory;
    }

    ExecutorService training() {
        return training;
    }

    RateLimitedLog refusals() {
        return refusals;
    }

    String info() {
        return settings.device().kind() + ":" + settings.device().index() + "@" + (server == null ? "?" : address());
    }

    /** Whether the worker is shutting down: no new units. */
    boolean isClosing() {
        return closing;
    }

    /** Whether the worker has stopped: units in flight have ended and reported; sessions end. */
    boolean isStopped() {
        return stopped;
    }

    private void accept() {
        while (!closing) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.warn("accept failed: {}", e.toString());
                }
                continue;
            }
            try {
                String address = socket.getInetAddress().getHostAddress();
                long wait = backoffLeftMillis(address);
                if (wait > 0) {
                    refusals.warn("backoff", "refusing " + socket.getRemoteSocketAddress() + ": a wrong secret came"
                        + " from " + address + " moments ago; it must wait " + wait + " ms before trying again");
                    refuse(socket, new Message.RetryLater(wait, "authentication failed recently from " + address));
                    continue;
                }
                WorkerSession session = new WorkerSession(this, socket);
                admitPending(session, address);
                Thread thread = new Thread(session, "cerebro-session-" + socket.getRemoteSocketAddress());
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                LOG.warn("cannot take a connection: {}", e.toString());
            }
        }
    }

    /**
     * Adds a connection to the pending (not yet authenticated) budget. When its address already
     * has its share pending, that address's oldest is dropped; when the budget is full, the oldest
     * of the address holding the most is: a flood from some addresses evicts its own connections,
     * never a lone coordinator's handshake in progress.
     */
    private void admitPending(WorkerSession session, String address) {
        WorkerSession evicted = null;
        synchronized (pending) {
            Map<String, Integer> perAddress = new HashMap<>();
            pending.forEach(s -> perAddress.merge(s.peerHost(), 1, Integer::sum));
            String victim = null;
            if (perAddress.getOrDefault(address, 0) >= settings.maxPendingPerAddress()) {
                victim = address;
            } else if (pending.size() >= settings.maxPending()) {
                victim = perAddress.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            }
            if (victim != null) {
                String from = victim;
                evicted = pending.stream().filter(s -> s.peerHost().equals(from)).findFirst().orElseThrow();
            }
            if (evicted != null) {
                pending.remove(evicted);
            }
            pending.addLast(session);
        }
        if (evicted != null) {
            refusals.warn("pending", "dropping " + evicted.peer() + ", still unauthenticated, for a new connection ("
                + settings.maxPending() + " pending at most, " + settings.maxPendingPerAddress() + " per address)");
            evicted.close();
        }
    }

    /**
     * A pending connection authenticated: it becomes a session if there is room.
     *
     * @return false when the sessions are full (the caller refuses it)
     */
    boolean authenticated(WorkerSession session) {
        synchronized (pending) {
            pending.remove(session);
            failures.remove(session.peerHost());
            if (sessions.size() >= settings.maxSessions()) {
                return false;
            }
            sessions.add(session);
            return true;
        }
    }

    /** A peer's proof was wrong: its address waits before its next attempt. */
    void authenticationFailed(WorkerSession session) {
        synchronized (pending) {
            long[] state = failures.computeIfAbsent(session.peerHost(), a -> new long[2]);
            state[0]++;
            long backoff = Math.min(MAX_BACKOFF_NANOS, MIN_BACKOFF_NANOS << Math.min(20, state[0] - 1));
            state[1] = System.nanoTime() + backoff;
            if (failures.size() > 10_000) { // bounded: forget the oldest addresses
                failures.keySet().iterator().remove();
            }
        }
    }

    private long backoffLeftMillis(String address) {
        synchronized (pending) {
            long[] state = failures.get(address);
            return state == null ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(state[1] - System.nanoTime()));
        }
    }

    /** Sends one frame, without reading anything, and closes: the accept thread never waits on a peer for long. */
    private void refuse(Socket socket, Message message) {
        try (socket) {
            new FrameChannel(socket, null, 200).write(message, 0);
        } catch (IOException e) {
            // the peer is gone already
        }
    }

    /**
     * The link the previous rank of data-parallel group {@code group} opens to this worker (it
     * may arrive before or after this worker is told of the group). At most 64 groups wait at once.
     *
     * @throws ProtocolException when too many groups are waiting
     */
    java.util.concurrent.CompletableFuture<FrameChannel> ringLink(long group) throws ProtocolException {
        if (ringLinks.size() >= 64 && !ringLinks.containsKey(group)) {
            throw new ProtocolException("64 data-parallel groups are waiting for links on worker " + info());
        }
        return ringLinks.computeIfAbsent(group, g -> new java.util.concurrent.CompletableFuture<>());
    }

    /** The group is over: forget its link. */
    void ringDone(long group) {
        java.util.concurrent.CompletableFuture<FrameChannel> link = ringLinks.remove(group);
        if (link != null) {
            link.cancel(false);
            if (link.isDone() && !link.isCancelled()) {
                link.join().close();
            }
        }
    }

    /**
     * Opens an authenticated link to the worker at {@code address} (the next rank of a
     * data-parallel group), retrying while it says to retry later, within {@code timeoutMillis}.
     */
    FrameChannel connectPeer(String address, long timeoutMillis) throws IOException {
        int colon = address.lastIndexOf(':');
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            java.net.Socket socket = new java.net.Socket();
            try {
                socket.connect(new InetSocketAddress(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1))), (int) Math.max(1, timeoutMillis));
                FrameChannel channel = new FrameChannel(socket, null, settings.writeTimeoutMillis());
                Handshake.authenticateToWorker(channel, settings.secret(), settings.handshakeTimeoutMillis());
                return channel;
            } catch (Handshake.RetryLaterException e) {
                socket.close();
                if (System.nanoTime() + e.millis * 1_000_000L > deadline) {
                    throw new IOException("peer worker " + address + " keeps refusing: " + e.getMessage());
                }
                sleep(e.millis);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    void sessionEnded(WorkerSession session) {
        synchronized (pending) {
            pending.remove(session);
            sessions.remove(session);
        }
    }

    /** Closes from another thread (a session cannot wait for itself). */
    void closeLater() {
        Thread thread = new Thread(this::close, "cerebro-shutdown");
        thread.setDaemon(true);
        thread.start();
    }

    /** Blocks until the worker has shut down. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /**
     * Stops accepting, lets the unit in flight finish and report its result (up to 30 s), then
     * drops every connection.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        LOG.info("worker {} shutting down", info());
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("closing the listener: {}", e.toString());
        }
        training.shutdown();
        try {
            if (!training.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("the unit in flight did not finish in 30 s: abandoned");
                training.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped = true; // the units' results are written: sessions may close now
        synchronized (pending) {
            pending.forEach(WorkerSession::close);
            pending.clear();
        }
        sessions.forEach(WorkerSession::close);
        partitions.close();
        LOG.info("worker {} stopped", info());
        closed.countDown();
    }

    /** Runs a worker until SIGTERM or a coordinator's SHUTDOWN; see the class comment for options. */
    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("cerebro worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        WorkerDaemon daemon = start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "cerebro-sigterm"));
        System.out.println("cerebro worker listening on " + daemon.address());
        System.out.flush();
        daemon.awaitClosed();
    }

    static Settings parse(String[] args) throws IOException {
        Map<String, String> options = new HashMap<>();
        Set<String> known = Set.of("listen", "secret-file", "work-dir", "device", "threads", "handshake-timeout-ms",
            "idle-timeout-ms", "write-timeout-ms", "max-frame-mb", "max-memory-mb", "disk-budget-mb", "max-sessions",
            "max-pending", "max-pending-per-address");
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || !known.contains(args[i].substring(2)) || i + 1 >= args.length) {
                throw new IllegalArgumentException("argument " + args[i] + " expected one of --" + String.join(" --",
                    new java.util.TreeSet<>(known)) + ", each with a value");
            }
            if (options.put(args[i].substring(2), args[++i]) != null) {
                throw new IllegalArgumentException("--" + args[i - 1].substring(2) + " given twice");
            }
        }
        for (String required : new String[] {"secret-file", "work-dir"}) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        String listen = options.getOrDefault("listen", "127.0.0.1:7601");
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen " + listen + " expected HOST:PORT");
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(listen.substring(0, colon)),
            (int) parse("listen", listen.substring(colon + 1), 0, 65_535));
        String device = options.getOrDefault("device", "cpu");
        WorkerDevice workerDevice = device.equals("cpu") ? WorkerDevice.CPU
            : device.matches("gpu:[0-9]{1,4}") ? WorkerDevice.gpu(Integer.parseInt(device.substring(4)))
            : null;
        if (workerDevice == null) {
            throw new IllegalArgumentException("--device " + device + " expected cpu or gpu:N");
        }
        long maxFrame = number(options, "max-frame-mb", "512", 1, 2047) << 20;
        long maxMemory = options.containsKey("max-memory-mb") ? number(options, "max-memory-mb", null, 1, 1 << 30) << 20
            : Math.max(maxFrame, Runtime.getRuntime().maxMemory() / 2);
        long disk = options.containsKey("disk-budget-mb") ? number(options, "disk-budget-mb", null, 1, 1L << 40) << 20
            : Long.MAX_VALUE;
        return new Settings(address, Secrets.read(Path.of(options.get("secret-file"))), Path.of(options.get("work-dir")),
            workerDevice, (int) number(options, "threads", Integer.toString(Runtime.getRuntime().availableProcessors()),
                1, 4096),
            number(options, "handshake-timeout-ms", "5000", 1, Integer.MAX_VALUE),
            number(options, "idle-timeout-ms", "60000", 1, Integer.MAX_VALUE),
            number(options, "write-timeout-ms", "10000", 1, Integer.MAX_VALUE), (int) maxFrame, maxMemory, disk,
            (int) number(options, "max-sessions", "16", 1, 10_000), (int) number(options, "max-pending", "32", 1, 10_000),
            (int) number(options, "max-pending-per-address", "16", 1, 10_000));
    }

    private static long number(Map<String, String> options, String option, String fallback, long min, long max) {
        return parse(option, options.getOrDefault(option, fallback), min, max);
    }

    private static long parse(String option, String text, long min, long max) {
        try {
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " " + text + " expected a whole number in " + min + ".."
                + max);
        }
    }
}
