package org.cerebro.exec.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.cerebro.exec.WorkerDevice;
import org.cerebro.runtime.JvmFlags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster worker: listens for coordinators, authenticates each (HMAC on the shared secret),
 * keeps the partitions it is sent in memory-mapped files in its work directory, and trains the
 * units it is asked to on its one device, one at a time. Each connection has its own thread, its
 * own read deadlines and frame limits, so a silent, slow or garbage-sending peer is dropped
 * without touching the others.
 *
 * <pre>
 * java @jvm.options -jar cerebro-worker.jar --listen 127.0.0.1:7601 --secret-file secret \
 *     --work-dir /var/lib/cerebro/w1 [--device cpu|gpu:N] [--threads T]
 *     [--handshake-timeout-ms 5000] [--idle-timeout-ms 60000] [--max-frame-mb 512]
 * </pre>
 *
 * It binds to loopback unless {@code --listen} names another address, logs what it does, and on
 * SIGTERM (or a coordinator's SHUTDOWN) stops accepting, lets the unit in flight finish (up to
 * 30 s) and exits. Prints {@code cerebro worker listening on HOST:PORT} once it accepts.
 *
 * <p>Thread-safe.
 */
public final class WorkerDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerDaemon.class);
    private static final int MAX_SESSIONS = 64;

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
     * @param maxFrameBytes          the largest frame accepted after authentication
     */
    public record Settings(InetSocketAddress listen, byte[] secret, Path workDir, WorkerDevice device, int threads,
                           long handshakeTimeoutMillis, long idleTimeoutMillis, int maxFrameBytes) {
        /** Validates. */
        public Settings {
            secret = Secrets.check(secret, "secret");
            if (threads < 1 || handshakeTimeoutMillis < 1 || idleTimeoutMillis < 1 || maxFrameBytes < 1024) {
                throw new IllegalArgumentException("threads=" + threads + " handshakeTimeoutMillis=" + handshakeTimeoutMillis
                    + " idleTimeoutMillis=" + idleTimeoutMillis + " maxFrameBytes=" + maxFrameBytes
                    + " expected threads, timeouts >= 1 and maxFrameBytes >= 1024");
            }
        }
    }

    private final Settings settings;
    private final ServerSocket server;
    private final PartitionStore partitions;
    private final ExecutorService training;
    private final Set<WorkerSession> sessions = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean closing;

    private WorkerDaemon(Settings settings) throws IOException {
        this.settings = settings;
        this.partitions = new PartitionStore(settings.workDir());
        this.training = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cerebro-train");
            thread.setDaemon(true);
            return thread;
        });
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(settings.listen());
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

    String info() {
        return settings.device().kind() + ":" + settings.device().index() + "@" + (server == null ? "?" : address());
    }

    boolean isClosed() {
        return closing;
    }

    private void accept() {
        while (!closing) {
            try {
                Socket socket = server.accept();
                if (sessions.size() >= MAX_SESSIONS) {
                    LOG.warn("refusing {}: {} connections open", socket.getRemoteSocketAddress(), MAX_SESSIONS);
                    socket.close();
                    continue;
                }
                WorkerSession session = new WorkerSession(this, socket, training);
                sessions.add(session);
                Thread thread = new Thread(session, "cerebro-session-" + socket.getRemoteSocketAddress());
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                if (!closing) {
                    LOG.warn("accept failed: {}", e.toString());
                }
            }
        }
    }

    void sessionEnded(WorkerSession session) {
        sessions.remove(session);
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

    /** Stops accepting, lets the unit in flight finish (up to 30 s), drops every connection. */
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
        sessions.forEach(WorkerSession::close);
        partitions.close();
        LOG.info("worker {} stopped", info());
        closed.countDown();
    }

    /** Runs a worker until SIGTERM or a coordinator's SHUTDOWN; see the class comment for options. */
    public static void main(String[] args) throws Exception {
        JvmFlags.require("the cerebro worker");
        Settings settings = parse(args);
        WorkerDaemon daemon = start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "cerebro-sigterm"));
        System.out.println("cerebro worker listening on " + daemon.address());
        System.out.flush();
        daemon.awaitClosed();
    }

    static Settings parse(String[] args) throws IOException {
        java.util.Map<String, String> options = new java.util.HashMap<>();
        Set<String> known = Set.of("listen", "secret-file", "work-dir", "device", "threads", "handshake-timeout-ms",
            "idle-timeout-ms", "max-frame-mb");
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || !known.contains(args[i].substring(2)) || i + 1 >= args.length) {
                throw new IllegalArgumentException("argument " + args[i] + " expected one of --" + String.join(" --",
                    new java.util.TreeSet<>(known)) + ", each with a value");
            }
            options.put(args[i].substring(2), args[++i]);
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
            Integer.parseInt(listen.substring(colon + 1)));
        String device = options.getOrDefault("device", "cpu");
        WorkerDevice workerDevice = device.equals("cpu") ? WorkerDevice.CPU
            : device.startsWith("gpu:") ? WorkerDevice.gpu(Integer.parseInt(device.substring(4)))
            : null;
        if (workerDevice == null) {
            throw new IllegalArgumentException("--device " + device + " expected cpu or gpu:N");
        }
        return new Settings(address, Secrets.read(Path.of(options.get("secret-file"))), Path.of(options.get("work-dir")),
            workerDevice, Integer.parseInt(options.getOrDefault("threads",
                Integer.toString(Runtime.getRuntime().availableProcessors()))),
            Long.parseLong(options.getOrDefault("handshake-timeout-ms", "5000")),
            Long.parseLong(options.getOrDefault("idle-timeout-ms", "60000")),
            Integer.parseInt(options.getOrDefault("max-frame-mb", "512")) << 20);
    }
}
