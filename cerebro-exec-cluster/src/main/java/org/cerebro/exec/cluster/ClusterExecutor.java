package org.cerebro.exec.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.cerebro.data.Dataset;
import org.cerebro.exec.EpochLedger;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.EpochTask;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.Executor;
import org.cerebro.exec.TrialProgress;
import org.cerebro.exec.UnitRecord;
import org.cerebro.optimizer.schedule.MopScheduler;
import org.cerebro.optimizer.schedule.Placement;
import org.cerebro.optimizer.schedule.Unit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model hopper parallelism over worker daemons ({@link WorkerDaemon}) on other machines or
 * processes, over TCP. The coordinator runs in the user's JVM: it authenticates to every worker
 * (HMAC on a shared secret, both ways), streams each partition once to the workers that hold it
 * (by content hash, so a worker that already has it is sent nothing; with 3 or more workers each
 * partition lives on 2 of them), and runs the optimizer's MOP scheduler, sending each unit with
 * the trial's complete state (parameters and optimizer state) and receiving the state back. It
 * therefore always holds every trial's state as of its last completed unit.
 *
 * <p>Faults: a worker whose connection breaks, or that answers no heartbeat within
 * {@link #heartbeatTimeout}, is dropped; its unit in flight runs again on a worker holding a
 * replica of the partition, from the state before it, so no completed unit is lost or run twice.
 * The coordinator keeps trying to reconnect a dropped worker; one that comes back (same work
 * directory: its partitions are still there) rejoins. A run fails, clearly, only when some
 * partition has no live worker left. The coordinator's own crash is covered by the search's
 * experiment directory.
 *
 * <pre>
 * ClusterExecutor.connect("10.0.0.5:7601", "10.0.0.6:7601", "10.0.0.7:7601").secretFile(Path.of("secret"))
 * </pre>
 *
 * <p>Threading: every public method is called by the search's driver thread; one reader thread
 * per worker queues its replies, a heartbeat thread pings, a rejoin thread reconnects. Not
 * reusable: one search per executor.
 */
public final class ClusterExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterExecutor.class);

    private final List<String> addresses;
    private byte[] secret;
    private Duration heartbeatTimeout = Duration.ofSeconds(3);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private int replicas;
    private int maxFrameBytes = 512 << 20;

    private ExecutionContext context;
    private MopScheduler scheduler;
    private Placement placement;
    private String trainableSpec;
    private List<String> hashes;
    private String validationHash;
    private WorkerLink[] links;
    private Unit[] running;
    private long[] correlationOf;
    private long[] startedAt;
    private int inFlight;
    private long nextCorrelation = 100;
    private volatile boolean cancelled;
    private volatile boolean closed;
    private long bytesSent;
    private long setUpNanos;
    private final BlockingQueue<WorkerLink.Event> events = new LinkedBlockingQueue<>();
    /** Workers dropped and not yet rejoined; read by the rejoin thread, written by the driver. */
    private final Set<Integer> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<Integer, byte[]> states = new HashMap<>();
    private EpochLedger ledger;
    private final Deque<EpochOutcome> ready = new ArrayDeque<>();
    private final List<UnitRecord> records = new ArrayList<>();
    private Thread heartbeats;
    private Thread rejoiner;

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
            int port = -1;
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

    @Override
    public int workers() {
        return addresses.size();
    }

    @Override
    public int replicas() {
        return replicas;
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
        this.context = context;
        this.trainableSpec = TrainableSpecs.of(context.trainable()); // refuses lambdas before connecting
        int n = addresses.size();
        int partitions = context.partitions().size();
        placement = Placement.replicated(n, partitions, Math.min(replicas, n));
        scheduler = new MopScheduler(placement, MopScheduler.VisitPolicy.FIXED, context.seed());
        ledger = new EpochLedger(context.trainingRecords());
        hashes = new ArrayList<>();
        for (Dataset partition : context.partitions()) {
            hashes.add(hash(partition));
        }
        validationHash = hash(context.validation());
        links = new WorkerLink[n];
        running = new Unit[n];
        correlationOf = new long[n];
        startedAt = new long[n];
        try {
            for (int w = 0; w < n; w++) {
                links[w] = connectAndSetUp(w);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        for (WorkerLink link : links) {
            link.startReading(events, context.journal(), maxFrameBytes);
        }
        setUpNanos = System.nanoTime() - start;
        LOG.info("{} set up in {} ms, {} bytes of data sent", name(), setUpNanos / 1_000_000, bytesSent);
        heartbeats = daemonThread("cerebro-heartbeat", this::sendHeartbeats);
        rejoiner = daemonThread("cerebro-rejoin", this::rejoin);
    }

    private static String hash(Dataset data) {
        java.security.MessageDigest digest = PartitionStore.digest();
        byte[] chunk = new byte[1 << 20];
        long bytes = data.sizeInBytes();
        for (long offset = 0; offset < bytes; offset += chunk.length) {
            int n = (int) Math.min(chunk.length, bytes - offset);
            data.records().getBytes((int) offset, chunk, 0, n);
            digest.update(chunk, 0, n);
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    private WorkerLink connectAndSetUp(int w) {
        WorkerLink link = WorkerLink.connect(w, addresses.get(w), secret, (int) connectTimeout.toMillis());
        List<Integer> held = Arrays.stream(placement.partitionsOf(w)).boxed().toList();
        try {
            long sent = link.setUp(trainableSpec, context.data().featureWidth(), context.data().numClasses(), held,
                context.partitions(), hashes, context.validation(), validationHash, Math.max(60_000,
                    connectTimeout.toMillis()));
            synchronized (this) {
                bytesSent += sent;
            }
            LOG.info("{} ready with partitions {}", link, held);
            return link;
        } catch (IOException e) {
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
                if (link != null) {
                    try {
                        link.send(MessageType.HEARTBEAT, 0, new Payload.Writer().putLong(System.nanoTime()).toBytes());
                    } catch (IOException e) {
                        // the link's reader reports it down
                    }
                }
            }
            sleep(interval);
        }
    }

    /** Reconnects dropped workers; one that comes back joins the queue of events as a fresh link. */
    private void rejoin() {
        while (!closed) {
            sleep(Math.max(200, heartbeatTimeout.toMillis() / 2));
            for (int w = 0; w < links.length && !closed; w++) {
                if (isDown(w)) {
                    try {
                        WorkerLink link = connectAndSetUp(w);
                        if (closed) {
                            link.close(); // the search ended while this worker was coming back
                            return;
                        }
                        events.add(new WorkerLink.Rejoined(link));
                    } catch (RuntimeException e) {
                        LOG.debug("worker {} still unreachable: {}", addresses.get(w), e.getMessage());
                    }
                }
            }
        }
    }

    private boolean isDown(int w) {
        return down.contains(w);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void submit(EpochTask task) {
        checkOpen();
        scheduler.runEpoch(task.trialId(), task.epoch(), ledger.submit(task));
    }

    @Override
    public void restore(int trialId, TrialProgress progress) {
        checkOpen();
        if (scheduler.knows(trialId)) {
            throw new IllegalStateException("trial=" + trialId + " is already known: restore it before its first submit");
        }
        ledger.restore(trialId, progress);
        states.put(trialId, progress.state());
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public EpochOutcome take() throws InterruptedException {
        checkOpen();
        while (ready.isEmpty()) {
            if (!cancelled) {
                dispatchToIdleWorkers();
            }
            if (inFlight == 0) {
                if (cancelled) {
                    return null;
                }
                if (ledger.trials().isEmpty()) {
                    throw new IllegalStateException("take() with no task submitted");
                }
                if (down.isEmpty()) {
                    throw new IllegalStateException("trials " + ledger.trials() + " have epochs queued but no worker can"
                        + " run them");
                }
                // every worker that could run what is left is down: wait for one to rejoin, or give up
                WorkerLink.Event event = events.poll(Math.max(10 * heartbeatTimeout.toMillis(), 30_000),
                    TimeUnit.MILLISECONDS);
                if (event == null) {
                    throw new IllegalStateException("no live worker holds the partitions the queued trials need; down: "
                        + down.stream().map(addresses::get).toList() + " (placement " + placement + ")");
                }
                handle(event);
                continue;
            }
            WorkerLink.Event event = events.poll(Math.max(10, heartbeatTimeout.toMillis() / 4), TimeUnit.MILLISECONDS);
            if (event != null) {
                handle(event);
            }
            dropSilentWorkers();
        }
        return ready.poll();
    }

    private void dispatchToIdleWorkers() {
        for (int w = 0; w < links.length; w++) {
            if (isDown(w) || running[w] != null) {
                continue;
            }
            Unit unit = scheduler.next(w);
            if (unit == null) {
                continue;
            }
            EpochTask task = ledger.task(unit.trial());
            boolean evaluate = scheduler.visitedThisEpoch(unit.trial()) == context.partitions().size() - 1;
            byte[] state = states.getOrDefault(unit.trial(), new byte[0]);
            Payload.Writer out = new Payload.Writer().putInt(unit.trial()).putInt(unit.epoch() + 1)
                .putInt(unit.partition()).putByte(evaluate ? 1 : 0).putLong(task.trialSeed());
            ConfigCodec.write(out, task.config());
            out.putBytes(state);
            long correlation = nextCorrelation++;
            running[w] = unit;
            correlationOf[w] = correlation;
            startedAt[w] = System.nanoTime();
            inFlight++;
            try {
                links[w].send(MessageType.TRAIN_UNIT, correlation, out.toBytes());
            } catch (IOException e) {
                markDown(w, "cannot send a unit: " + e.getMessage());
            }
        }
    }

    private void dropSilentWorkers() {
        long now = System.nanoTime();
        for (int w = 0; w < links.length; w++) {
            if (!isDown(w) && now - links[w].lastHeardNanos() > heartbeatTimeout.toNanos()) {
                markDown(w, "no heartbeat for " + heartbeatTimeout.toMillis() + " ms");
            }
        }
    }

    /** Drops worker {@code w}; its unit in flight runs again elsewhere from the state before it. */
    private void markDown(int w, String reason) {
        if (isDown(w)) {
            return;
        }
        links[w].close();
        LOG.warn("worker {} dropped: {}", addresses.get(w), reason);
        if (running[w] != null) {
            scheduler.lost(running[w]);
            LOG.warn("unit {} re-queued for a replica", running[w]);
            running[w] = null;
            inFlight--;
        }
        down.add(w);
    }

    private void handle(WorkerLink.Event event) {
        if (event instanceof WorkerLink.Rejoined rejoined) {
            int w = rejoined.link().index();
            links[w] = rejoined.link();
            down.remove(w);
            rejoined.link().startReading(events, context.journal(), maxFrameBytes);
            LOG.info("worker {} rejoined", addresses.get(w));
            return;
        }
        int w = event.link().index();
        if (links[w] != event.link() || isDown(w)) {
            return; // from a connection already dropped
        }
        if (event instanceof WorkerLink.Down gone) {
            markDown(w, gone.reason());
        } else if (event instanceof WorkerLink.Failed failed) {
            throw new IllegalStateException("worker " + addresses.get(w) + " refused a request: " + failed.message());
        } else if (event instanceof WorkerLink.UnitDone done) {
            unitDone(w, done);
        }
    }

    private void unitDone(int w, WorkerLink.UnitDone done) {
        Unit unit = running[w];
        if (unit == null || done.correlation() != correlationOf[w]) {
            return; // the reply to a unit already re-queued
        }
        running[w] = null;
        inFlight--;
        int t = unit.trial();
        if (done.status() == 2) {
            cancelled = true;
            throw new IllegalStateException("worker=" + addresses.get(w) + " failed on trial=" + t + " epoch="
                + (unit.epoch() + 1) + " partition=" + unit.partition() + ": " + done.message() + "; the run stops"
                + " (units completed before are kept in the experiment directory, if any: run the search again to"
                + " resume)");
        }
        UnitRecord record = new UnitRecord(t, unit.epoch() + 1, unit.partition(), w, startedAt[w], System.nanoTime());
        records.add(record);
        if (done.status() == 1) {
            scheduler.lost(unit);
            scheduler.retire(t);
            states.remove(t);
            ready.add(ledger.failed(t, unit.epoch() + 1, unit.partition(), done.message()));
            return;
        }
        states.put(t, done.state());
        context.journal().unitDone(ledger.unitDone(record, done.loss(), context.partitions().get(unit.partition()).size(),
            done.metrics(), done.checkpoint()));
        if (scheduler.completeUnit(unit)) {
            ready.add(ledger.epochDone(t, unit.epoch() + 1, done.metrics()));
        }
    }

    @Override
    public void park(int trialId) {
        // the coordinator holds every trial's state as bytes already
    }

    @Override
    public void release(int trialId) {
        states.remove(trialId);
        if (scheduler != null) {
            scheduler.retire(trialId);
            ledger.forget(trialId);
        }
    }

    @Override
    public List<UnitRecord> unitRecords() {
        return Collections.unmodifiableList(records);
    }

    @Override
    public long unitsRun() {
        return records.size();
    }

    /** Closes the connections; the workers keep running for the next search. */
    @Override
    public void close() {
        closed = true;
        if (links != null) {
            for (WorkerLink link : links) {
                if (link != null) {
                    try {
                        link.send(MessageType.CANCEL, 0, new byte[0]);
                    } catch (IOException ignored) {
                        // gone already
                    }
                    link.close();
                }
            }
        }
        states.clear();
    }

    private void checkOpen() {
        if (context == null) {
            throw new IllegalStateException("executor not opened");
        }
    }
}
