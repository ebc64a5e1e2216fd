package org.cerebro.exec.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.cerebro.data.Dataset;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.Executor;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitWork;
import org.cerebro.exec.WorkerEvent;
import org.cerebro.train.TrainableSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model hopper parallelism over worker daemons ({@link WorkerDaemon}) on other machines or
 * processes, over TCP. This is a transport: the runtime kernel in the user's JVM decides which
 * unit runs where; this class connects and authenticates to every worker (HMAC on a shared secret
 * both ways, then a tag on every frame), streams each partition once to the workers the placement
 * names (by content hash, so a worker that already has it is sent nothing; with 3 or more workers
 * each partition lives on 2 of them), sends each unit with the trial's complete state
 * (parameters and optimizer state) and returns the state after it. The kernel therefore always
 * holds every trial's state as of its last completed unit.
 *
 * <p>Faults: workers are set up concurrently, and one that cannot be set up is dropped (the
 * search runs on the others) unless every worker fails. A worker whose connection breaks, whose
 * writes miss their deadline, or that answers no heartbeat within {@link #heartbeatTimeout} is
 * reported lost; the kernel runs its unit again on a worker holding a replica, from the state
 * before it. The coordinator keeps trying to reconnect a dropped worker (backing off while it
 * keeps failing); one that comes back (same work directory: its partitions are still there)
 * rejoins, its heartbeat clock started once it is ready. The coordinator's own crash is covered
 * by the search's experiment directory.
 *
 * <pre>
 * ClusterExecutor.connect("10.0.0.5:7601", "10.0.0.6:7601", "10.0.0.7:7601").secretFile(Path.of("secret"))
 * </pre>
 *
 * <p>Threading: the kernel's thread calls {@link #open}, {@link #start} and {@link #poll}; per
 * worker a reader and a writer thread, a heartbeat thread and a rejoin thread run beside it. Not
 * reusable: one search per executor.
 */
public final class ClusterExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterExecutor.class);
    private static final long MAX_REJOIN_BACKOFF_MILLIS = 10_000;

    private final List<String> addresses;
    private byte[] secret;
    private Duration heartbeatTimeout = Duration.ofSeconds(3);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration writeTimeout = Duration.ofSeconds(10);
    private int replicas;
    private int maxFrameBytes = 512 << 20;

    private ExecutionContext context;
    private TrainableSpec spec;
    private List<String> hashes;
    private String validationHash;
    private volatile WorkerLink[] links;
    private Running[] running;
    private long nextCorrelation = 100;
    private volatile boolean closed;
    private long bytesSent;
    private long setUpNanos;
    private final BlockingQueue<WorkerLink.Event> events = new LinkedBlockingQueue<>();
    private final Deque<WorkerEvent> ready = new ArrayDeque<>();
    /** Workers dropped and not yet rejoined; read by the rejoin thread, written by the kernel's thread. */
    private final Set<Integer> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Why each worker that could not be set up failed; the kernel hears of it when it first gives one a unit. */
    private final Map<Integer, String> setupFailures = new java.util.concurrent.ConcurrentHashMap<>();
    private Thread heartbeats;
    private Thread rejoiner;

    /** A unit in flight on a worker. */
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    /** The data-parallel epoch in flight: its workers (rank order), their replies so far. */
    private Gang gang;

    private static final class Gang {
        final UnitWork work;
        final int[] workers;
        final Message.UnitDone[] replies;
        final long startNanos;
        int received;

        Gang(UnitWork work, int[] workers, long startNanos) {
            this.work = work;
            this.workers = workers;
            this.replies = new Message.UnitDone[workers.length];
            this.startNanos = startNanos;
        }

        int rankOf(int worker) {
            for (int r = 0; r < workers.length; r++) {
                if (workers[r] == worker) {
                    return r;
                }
            }
            return -1;
        }
    }

    private record Running(long correlation, UnitWork work, long startNanos) {
    }

    private ClusterExecutor(List<String> addresses) {
        this.addresses = addresses;
        this.replicas = addresses.size() >= 3 ? 2 : 1;
    }

    /**
     * A coordinator for the workers at {@code addresses} ({@code host:port} each, as the workers
     * print them). Nothing connects until the search opens the executor.
     *
     * @throws IllegalArgumentException for a malformed address or one given twice
     */
    public static ClusterExecutor connect(String... addresses) {
        if (addresses.length == 0) {
            throw new IllegalArgumentException("connect(): expected at least one worker address host:port");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String address : addresses) {
            Objects.requireNonNull(address, "address");
            int colon = address.lastIndexOf(':');
            int port;
            try {
                port = colon > 0 ? Integer.parseInt(address.substring(colon + 1)) : -1;
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("worker address \"" + address + "\" expected host:port with a port in"
                    + " 1..65535");
            }
            if (!seen.add(address)) {
                throw new IllegalArgumentException("worker address " + address + " given twice: each worker once");
            }
        }
        return new ClusterExecutor(List.copyOf(seen));
    }

    /** The shared secret the workers were started with (at least 16 bytes). */
    public ClusterExecutor secret(byte[] secret) {
        this.secret = Secrets.check(Objects.requireNonNull(secret, "secret"), "secret");
        return this;
    }

    /** The shared secret from a file, as the workers' {@code --secret-file} (a trailing newline is ignored). */
    public ClusterExecutor secretFile(Path file) {
        this.secret = Secrets.read(Objects.requireNonNull(file, "file"));
        return this;
    }

    /** How long a worker may go unheard before it is dropped and its unit re-queued; default 3 s. */
    public ClusterExecutor heartbeatTimeout(Duration timeout) {
        if (timeout.toMillis() < 100) {
            throw new IllegalArgumentException("heartbeatTimeout=" + timeout + " expected >= 100 ms");
        }
        this.heartbeatTimeout = timeout;
        return this;
    }

    /** How long connecting and authenticating to a worker may take; default 5 s. */
    public ClusterExecutor connectTimeout(Duration timeout) {
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("connectTimeout=" + timeout + " expected >= 1 ms");
        }
        this.connectTimeout = timeout;
        return this;
    }

    /**
     * How long a write to a worker may take before the worker is dropped, plus a second per
     * {@link FrameChannel#MIN_WRITE_BYTES_PER_SECOND} bytes of the frame; default 10 s.
     */
    public ClusterExecutor writeTimeout(Duration timeout) {
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("writeTimeout=" + timeout + " expected >= 1 ms");
        }
        this.writeTimeout = timeout;
        return this;
    }

    /** Workers each partition lives on; default 2 with 3 or more workers, else 1. */
    public ClusterExecutor replicas(int replicas) {
        if (replicas < 1 || replicas > addresses.size()) {
            throw new IllegalArgumentException("replicas=" + replicas + " expected 1.." + addresses.size()
                + " (the number of workers)");
        }
        this.replicas = replicas;
        return this;
    }

    @Override
    public String name() {
        return "cluster " + addresses.size() + " workers";
    }

    /**
     * Model hopper parallelism, and data-parallel epochs (alone, or as a hybrid's narrow tail)
     * whose workers sum gradients among themselves with a ring all-reduce.
     */
    @Override
    public java.util.Set<org.cerebro.plan.Operator> operators() {
        return java.util.EnumSet.of(org.cerebro.plan.Operator.MOP, org.cerebro.plan.Operator.DATA_PARALLEL,
            org.cerebro.plan.Operator.HYBRID);
    }

    @Override
    public int workers() {
        return addresses.size();
    }

    @Override
    public int replicas() {
        return replicas;
    }

    /** A lost worker has 10 heartbeat timeouts, and at least 30 s, to come back before work only it can do fails. */
    @Override
    public long rejoinWaitMillis() {
        return Math.max(10 * heartbeatTimeout.toMillis(), 30_000);
    }

    /** Bytes of partitions sent to workers so far (0 for partitions they already had). */
    public synchronized long bytesSent() {
        return bytesSent;
    }

    /** How long opening took: connecting, authenticating, hashing and placing the data. */
    public Duration setUpTime() {
        return Duration.ofNanos(setUpNanos);
    }

    @Override
    public void open(ExecutionContext context) {
        if (this.context != null) {
            throw new IllegalStateException("executor already opened: an executor runs one search");
        }
        if (secret == null) {
            throw new IllegalStateException("no secret: call secret(bytes) or secretFile(path) with the workers' secret");
        }
        long start = System.nanoTime();
        this.spec = context.trainable().spec(); // refuses lambdas before connecting
        this.context = context;
        int n = addresses.size();
        hashes = new ArrayList<>();
        for (Dataset partition : context.partitions()) {
            hashes.add(partition.contentHash());
        }
        validationHash = context.validation().contentHash();
        links = new WorkerLink[n];
        running = new Running[n];
        setUpAll();
        for (WorkerLink link : links) {
            if (link != null) {
                link.startReading(events, context.journal(), maxFrameBytes);
            }
        }
        setUpNanos = System.nanoTime() - start;
        LOG.info("{} set up in {} ms, {} bytes of data sent{}", name(), setUpNanos / 1_000_000, bytesSent,
            down.isEmpty() ? "" : "; workers down: " + down.stream().map(addresses::get).toList());
        heartbeats = daemonThread("cerebro-heartbeat", this::sendHeartbeats);
        rejoiner = daemonThread("cerebro-rejoin", this::rejoin);
    }

    /** Sets every worker up at once; one that fails is dropped, unless all fail. */
    private void setUpAll() {
        int n = addresses.size();
        ExecutorService setup = Executors.newFixedThreadPool(n, runnable -> {
            Thread thread = new Thread(runnable, "cerebro-setup");
            thread.setDaemon(true);
            return thread;
        });
        List<Future<WorkerLink>> pending = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            int worker = w;
            pending.add(setup.submit(() -> connectAndSetUp(worker)));
        }
        setup.shutdown();
        List<String> failures = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            try {
                links[w] = pending.get(w).get();
            } catch (ExecutionException e) {
                String reason = e.getCause().getMessage() == null ? e.getCause().toString() : e.getCause().getMessage();
                failures.add(reason);
                down.add(w);
                setupFailures.put(w, reason);
                LOG.warn("worker {} dropped during setup: {}", addresses.get(w), reason);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while setting up the workers", e);
            }
        }
        if (failures.size() == n) {
            close();
            throw new IllegalStateException(failures.size() == 1 ? failures.get(0)
                : "no worker could be set up: " + String.join("; ", failures));
        }
    }


    private WorkerLink connectAndSetUp(int w) {
        WorkerLink link = WorkerLink.connect(w, addresses.get(w), secret, (int) connectTimeout.toMillis(),
            writeTimeout.toMillis());
        List<Integer> held = Arrays.stream(context.placement().partitionsOf(w)).boxed().toList();
        try {
            long sent = link.setUp(spec, context.data().featureWidth(), context.data().numClasses(), held,
                context.partitions(), hashes, context.validation(), validationHash,
                Math.max(writeTimeout.toMillis(), connectTimeout.toMillis()));
            synchronized (this) {
                bytesSent += sent;
            }
            LOG.info("{} ready with partitions {}", link, held);
            return link;
        } catch (IOException | RuntimeException e) {
            link.close();
            throw new IllegalStateException("cannot set up worker " + addresses.get(w) + ": " + e.getMessage(), e);
        }
    }

    private Thread daemonThread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void sendHeartbeats() {
        long interval = Math.max(20, heartbeatTimeout.toMillis() / 6);
        while (!closed) {
            for (WorkerLink link : links.clone()) {
                if (link != null && !down.contains(link.index())) {
                    link.send(new Message.Heartbeat(System.nanoTime()), 0);
                }
            }
            sleep(interval);
        }
    }

    /** Reconnects dropped workers, backing off per worker while it keeps failing. */
    private void rejoin() {
        long[] backoff = new long[addresses.size()];
        long[] nextTry = new long[addresses.size()];
        long step = Math.max(200, heartbeatTimeout.toMillis() / 2);
        while (!closed) {
            sleep(step);
            for (int w = 0; w < addresses.size() && !closed; w++) {
                if (!down.contains(w)) {
                    backoff[w] = 0;
                    continue;
                }
                long now = System.currentTimeMillis();
                if (now < nextTry[w]) {
                    continue;
                }
                try {
                    WorkerLink link = connectAndSetUp(w);
                    if (closed) {
                        link.close(); // the search ended while this worker was coming back
                        return;
                    }
                    events.add(new WorkerLink.Rejoined(link));
                    backoff[w] = Math.min(MAX_REJOIN_BACKOFF_MILLIS, Math.max(step, 2 * backoff[w])); // if it flaps
                    nextTry[w] = now + backoff[w];
                } catch (RuntimeException e) {
                    backoff[w] = Math.min(MAX_REJOIN_BACKOFF_MILLIS, Math.max(step, 2 * backoff[w]));
                    nextTry[w] = now + backoff[w];
                    LOG.debug("worker {} still unreachable (next try in {} ms): {}", addresses.get(w), backoff[w],
                        e.getMessage());
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start(int worker, UnitWork work) {
        if (context == null) {
            throw new IllegalStateException("executor not opened");
        }
        if (links[worker] == null || (down.contains(worker) && setupFailures.containsKey(worker))) {
            // dropped during setup: the unit goes back to the kernel, which runs it on a replica
            String reason = setupFailures.getOrDefault(worker, "not set up");
            ready.add(new WorkerEvent.Lost(worker, addresses.get(worker) + " could not be set up: " + reason));
            return;
        }
        byte[] state = stateBytes(work);
        long correlation = nextCorrelation++;
        running[worker] = new Running(correlation, work, System.nanoTime());
        links[worker].send(new Message.TrainUnit(work.trialId(), work.epoch(), work.partition(), work.evaluate(),
            work.trialSeed(), work.config(), state), correlation);
    }

    /** The state a unit takes to a worker in another process: bytes, or none (initialise it). */
    private static byte[] stateBytes(UnitWork work) {
        if (work.state() instanceof TrialState.Bytes bytes) {
            return bytes.bytes();
        } else if (work.state() instanceof TrialState.None) {
            return new byte[0];
        }
        throw new IllegalArgumentException("trial=" + work.trialId() + ": a cluster worker takes a state as bytes");
    }

    /**
     * Sends each worker of the epoch its rank, its partitions, every rank's record count and the
     * address of the next rank; the epoch's result is gathered from the ranks' replies (rank 0's
     * state and metrics, every rank's loss sum) into one completion.
     */
    @Override
    public void startDataParallel(int[] workers, UnitWork work, int[] owners) {
        if (context == null) {
            throw new IllegalStateException("executor not opened");
        }
        byte[] state = stateBytes(work);
        int[] records = new int[workers.length];
        List<int[]> mine = new ArrayList<>();
        for (int rank = 0; rank < workers.length; rank++) {
            List<Integer> held = new ArrayList<>();
            for (int p = 0; p < owners.length; p++) {
                if (owners[p] == workers[rank]) {
                    held.add(p);
                    records[rank] += context.partitions().get(p).size();
                }
            }
            mine.add(held.stream().mapToInt(Integer::intValue).toArray());
        }
        long group = RANDOM.nextLong();
        long now = System.nanoTime();
        gang = new Gang(work, workers.clone(), now);
        for (int rank = 0; rank < workers.length; rank++) {
            int w = workers[rank];
            long correlation = nextCorrelation++;
            running[w] = new Running(correlation, work, now);
            links[w].send(new Message.DataParallelStart(group, rank, workers.length,
                addresses.get(workers[(rank + 1) % workers.length]), work.trialId(), work.epoch(), work.evaluate(),
                work.trialSeed(), work.config(), state, mine.get(rank), records), correlation);
        }
    }

    /** A rank replied: when every rank has, the epoch is one completion for the first worker. */
    private void rankDone(int w, Running unit, Message.UnitDone done, long receivedNanos) {
        Gang current = gang;
        int rank = current == null ? -1 : current.rankOf(w);
        if (rank < 0 || current.work != unit.work() || current.replies[rank] != null) {
            return; // from an epoch already re-queued
        }
        running[w] = null;
        current.replies[rank] = done;
        if (++current.received < current.workers.length) {
            return;
        }
        gang = null;
        double lossSum = 0;
        String failure = null;
        String fatal = null;
        for (int r = 0; r < current.workers.length; r++) {
            Message.UnitDone reply = current.replies[r];
            lossSum += reply.loss();
            if (reply.outcome() == Message.Outcome.FATAL && fatal == null) {
                fatal = "worker " + addresses.get(current.workers[r]) + ": " + reply.message();
            } else if (reply.outcome() == Message.Outcome.TRIAL_FAILED && failure == null) {
                failure = reply.message();
            }
        }
        Message.UnitDone lead = current.replies[0];
        UnitResult result;
        if (fatal != null) {
            result = UnitResult.fatal(new IllegalStateException(fatal), current.startNanos, receivedNanos);
        } else if (failure != null) {
            result = new UnitResult(TrialState.NONE, Double.NaN, null, failure, null, null, current.startNanos,
                receivedNanos);
        } else {
            org.cerebro.exec.Checkpoint checkpoint = null;
            if (context.journal().durable()) {
                try {
                    checkpoint = context.journal().checkpoint(lead.trialId(), lead.epoch(), lead.state());
                } catch (RuntimeException e) {
                    result = UnitResult.fatal(e, current.startNanos, receivedNanos);
                    ready.add(new WorkerEvent.UnitDone(current.workers[0], current.work, result));
                    return;
                }
            }
            result = new UnitResult(new TrialState.Bytes(lead.state()), lossSum / context.trainingRecords(),
                lead.metrics(), null, null, checkpoint, current.startNanos, receivedNanos);
        }
        ready.add(new WorkerEvent.UnitDone(current.workers[0], current.work, result));
    }

    @Override
    public WorkerEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        long slice = Math.max(10, heartbeatTimeout.toMillis() / 4);
        while (ready.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            WorkerLink.Event event = events.poll(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, slice),
                TimeUnit.MILLISECONDS);
            if (event != null) {
                handle(event);
            }
            dropSilentWorkers();
        }
        return ready.poll();
    }

    private void dropSilentWorkers() {
        long now = System.nanoTime();
        for (int w = 0; w < links.length; w++) {
            if (!down.contains(w) && now - links[w].lastHeardNanos() > heartbeatTimeout.toNanos()) {
                markDown(w, "no heartbeat for " + heartbeatTimeout.toMillis() + " ms");
            }
        }
    }

    /** Drops worker {@code w} and reports it lost; the kernel runs its unit in flight again elsewhere. */
    private void markDown(int w, String reason) {
        if (down.contains(w)) {
            return;
        }
        links[w].close();
        running[w] = null;
        if (gang != null && gang.rankOf(w) >= 0) {
            for (int member : gang.workers) {
                running[member] = null; // the other ranks' replies to this epoch are ignored
            }
            gang = null;
        }
        down.add(w);
        ready.add(new WorkerEvent.Lost(w, addresses.get(w) + " " + reason));
    }

    private void handle(WorkerLink.Event event) {
        if (event instanceof WorkerLink.Rejoined rejoined) {
            int w = rejoined.link().index();
            links[w] = rejoined.link();
            rejoined.link().startReading(events, context.journal(), maxFrameBytes);
            down.remove(w);
            setupFailures.remove(w);
            LOG.info("worker {} rejoined", addresses.get(w));
            ready.add(new WorkerEvent.Joined(w));
            return;
        }
        int w = event.link().index();
        if (links[w] != event.link() || down.contains(w)) {
            return; // from a connection already dropped
        }
        if (event instanceof WorkerLink.Down gone) {
            markDown(w, gone.reason());
        } else if (event instanceof WorkerLink.Refused refused) {
            Running unit = running[w];
            if (unit != null && unit.correlation() == refused.correlation()) {
                running[w] = null;
                if (gang != null && gang.rankOf(w) >= 0) {
                    for (int member : gang.workers) {
                        running[member] = null;
                    }
                    gang = null;
                }
                ready.add(new WorkerEvent.UnitDone(w, unit.work(), UnitResult.fatal(new IllegalStateException("worker "
                    + addresses.get(w) + " refused the unit: " + refused.message()), unit.startNanos(), System.nanoTime())));
            } else {
                markDown(w, "sent an error: " + refused.message());
            }
        } else if (event instanceof WorkerLink.UnitReply reply) {
            unitDone(w, reply);
        }
    }

    private void unitDone(int w, WorkerLink.UnitReply reply) {
        Running unit = running[w];
        if (unit == null || reply.correlation() != unit.correlation()) {
            return; // the reply to a unit already re-queued
        }
        if (unit.work().partition() == org.cerebro.exec.UnitRecord.ALL_PARTITIONS) {
            rankDone(w, unit, reply.reply(), reply.receivedNanos());
            return;
        }
        running[w] = null;
        Message.UnitDone done = reply.reply();
        UnitResult result;
        if (done.outcome() == Message.Outcome.FATAL || reply.checkpointFailure() != null) {
            String why = reply.checkpointFailure() != null ? reply.checkpointFailure() : done.message();
            result = UnitResult.fatal(new IllegalStateException("worker " + addresses.get(w) + ": " + why),
                unit.startNanos(), reply.receivedNanos());
        } else if (done.outcome() == Message.Outcome.TRIAL_FAILED) {
            result = new UnitResult(TrialState.NONE, Double.NaN, null, done.message(), null, null, unit.startNanos(),
                reply.receivedNanos());
        } else {
            result = new UnitResult(new TrialState.Bytes(done.state()), done.loss(), done.metrics(), null, null,
                reply.checkpoint(), unit.startNanos(), reply.receivedNanos());
        }
        ready.add(new WorkerEvent.UnitDone(w, unit.work(), result));
    }

    /** Closes the connections (asking each worker to drop this session's queued unit); the workers keep running. */
    @Override
    public void close() {
        closed = true;
        WorkerLink[] all = links;
        if (all != null) {
            for (WorkerLink link : all) {
                if (link != null) {
                    link.closeAfter(new Message.Cancel());
                }
            }
        }
        WorkerLink.Event event;
        while ((event = events.poll()) != null) {
            if (event instanceof WorkerLink.Rejoined rejoined) {
                rejoined.link().close();
            }
        }
    }
}
