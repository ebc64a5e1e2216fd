package org.cerebro.exec.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.status.api.v1.ExecutorSummary;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Checkpoint;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.Executor;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitWork;
import org.cerebro.exec.WorkerEvent;
import org.cerebro.jvm.JvmFlags;
import org.cerebro.train.TrainableSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;

/**
 * Model hopper parallelism on the executors of a Spark application the user already has. This is
 * a transport: the runtime kernel in the driver decides which unit runs where, exactly as for the
 * local and cluster executors. Worker {@code w} is one Spark executor; the training data is
 * broadcast once and each executor keeps the partitions the placement gives it resident,
 * off-heap, between units ({@link Resident}); each unit (trial, epoch, partition) is one Spark job
 * of one task, whose only partition prefers that executor, carrying the trial's state in and out
 * as bytes. Up to one unit job per worker runs at a time.
 *
 * <p>Faults are per unit: when an executor dies mid-unit, Spark runs that task again on another
 * executor (which loads the partition from its broadcast, checked by hash) and the kernel sees
 * one completion; the worker is then served by a live executor that no other worker uses (one the
 * cluster manager started in its place), or shares one. No barrier stage: one failure never
 * restarts the others.
 *
 * <pre>
 * SparkExecutor.on(sparkContext)                 // one worker per executor registered now
 * SparkExecutor.on(sparkContext).workers(8)      // waits for 8 executors
 * </pre>
 *
 * <p>Spark settings it relies on: no dynamic allocation below the workers it uses (refused);
 * {@code spark.executor.extraJavaOptions} carrying {@link #executorJavaOptions()};
 * {@code spark.task.cpus} (the intra-op threads a unit trains with) and
 * {@code spark.task.resource.gpu.amount} (a unit whose task got a GPU trains on it);
 * {@code spark.executor.memoryOverhead} sized for the resident partitions, which live off the heap.
 * Security is Spark's: its RPC carries the unit payloads ({@code spark.authenticate},
 * {@code spark.network.crypto.enabled}).
 *
 * <p>Threading: the kernel's thread calls {@link #open}, {@link #start} and {@link #poll}; one
 * thread per worker waits on its unit job. Not reusable: one search per executor.
 */
public final class SparkExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SparkExecutor.class);
    /** Broadcast chunk size: the data crosses as arrays of this many bytes. */
    private static final int CHUNK_BYTES = 4 << 20;
    private static final ClassTag<Integer> INT = scala.reflect.ClassTag$.MODULE$.apply(Integer.class);

    private final SparkContext spark;
    private final JavaSparkContext javaSpark;
    private int workers;
    private Duration registrationTimeout = Duration.ofMinutes(2);
    private long residentBytes = 8L << 30;

    private ExecutionContext context;
    private byte[] search;
    private Broadcast<byte[][]>[] partitions;
    private Broadcast<byte[][]> validation;
    private String[] executorOf;
    private ExecutorService threads;
    private final String jobGroup = "cerebro-" + Long.toHexString(new java.security.SecureRandom().nextLong());
    private final BlockingQueue<WorkerEvent> events = new LinkedBlockingQueue<>();
    private final AtomicInteger tablesLoaded = new AtomicInteger();
    private final AtomicInteger unitsAway = new AtomicInteger();
    private final AtomicLong placementNanos = new AtomicLong();
    private final AtomicInteger jobsRunning = new AtomicInteger();
    private final AtomicLong unitNanos = new AtomicLong();
    private final AtomicLong executorNanos = new AtomicLong();
    private volatile boolean closed;
    private long executorsCheckedNanos;
    private volatile List<ExecutorSummary> live = List.of();

    private SparkExecutor(SparkContext spark) {
        this.spark = Objects.requireNonNull(spark, "spark");
        this.javaSpark = JavaSparkContext.fromSparkContext(spark);
    }

    /** An executor over {@code spark}'s executors. Nothing runs until the search opens it. */
    public static SparkExecutor on(SparkContext spark) {
        return new SparkExecutor(spark);
    }

    /** As {@link #on(SparkContext)}. */
    public static SparkExecutor on(JavaSparkContext spark) {
        return new SparkExecutor(Objects.requireNonNull(spark, "spark").sc());
    }

    /**
     * Uses {@code workers} executors, waiting for that many to register (up to
     * {@link #registrationTimeout}). Default: the executors registered when the search starts
     * (at least one, waited for).
     */
    public SparkExecutor workers(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers=" + workers + " expected >= 1");
        }
        this.workers = workers;
        return this;
    }

    /** How long to wait for the executors to register. Default 2 minutes. */
    public SparkExecutor registrationTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("registrationTimeout=" + timeout + " expected a positive duration");
        }
        this.registrationTimeout = timeout;
        return this;
    }

    /**
     * The bytes of tables an executor keeps resident before evicting unused ones (least recently
     * used first). Default 8 GiB; keep it within {@code spark.executor.memoryOverhead}.
     */
    public SparkExecutor residentBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("residentBytes=" + bytes + " expected >= 1");
        }
        this.residentBytes = bytes;
        return this;
    }

    /**
     * The JVM flags executors need for Cerebro, for {@code spark.executor.extraJavaOptions}
     * (Spark adds its own module flags): the contents of {@code jvm.options}, among them
     * {@code -Dai.djl.offline=true} (executors never download).
     */
    public static String executorJavaOptions() {
        return String.join(" ", JvmFlags.all());
    }

    @Override
    public String name() {
        return "spark " + workers() + " executors";
    }

    /**
     * Model hopper parallelism, and task parallelism (every executor holds every partition and
     * trains whole trials).
     */
    @Override
    public java.util.Set<org.cerebro.plan.Operator> operators() {
        return java.util.EnumSet.of(org.cerebro.plan.Operator.MOP, org.cerebro.plan.Operator.TASK_PARALLEL);
    }

    @Override
    public synchronized int workers() {
        if (workers == 0) {
            workers = awaitExecutors(1).size();
        }
        return workers;
    }

    /** Tables (partitions, validation data) executors loaded from their broadcasts after placement, e.g. after a loss. */
    public int tablesReloaded() {
        return tablesLoaded.get();
    }

    /** Units that Spark ran on another executor than their worker's (its executor busy or lost). */
    public int unitsAway() {
        return unitsAway.get();
    }

    /** The units' time as the driver saw it, from submitting each unit's job to its result, summed. */
    public Duration timeInUnits() {
        return Duration.ofNanos(unitNanos.get());
    }

    /**
     * The part of {@link #timeInUnits()} the units spent running in their executors (restoring
     * the state, training, evaluating, serialising); the rest is Spark's: scheduling the job,
     * shipping the task and the state, returning the result.
     */
    public Duration timeInExecutors() {
        return Duration.ofNanos(executorNanos.get());
    }

    /** How long placing the data on the executors took in {@link #open}. */
    public Duration placementTime() {
        return Duration.ofNanos(placementNanos.get());
    }

    @Override
    public void open(ExecutionContext context) {
        if (this.context != null) {
            throw new IllegalStateException("executor already opened: an executor runs one search");
        }
        TrainableSpec spec = context.trainable().spec(); // refuses lambdas before anything runs
        checkSettings();
        long start = System.nanoTime();
        int n = workers();
        List<ExecutorSummary> executors = awaitExecutors(n);
        executorOf = new String[n];
        for (int w = 0; w < n; w++) {
            executorOf[w] = executors.get(w).id();
        }
        this.context = context;
        String[] hashes = new String[context.partitions().size()];
        partitions = newBroadcastArray(hashes.length);
        for (int p = 0; p < hashes.length; p++) {
            Dataset partition = context.partitions().get(p);
            hashes[p] = partition.contentHash();
            partitions[p] = javaSpark.broadcast(chunks(partition));
        }
        validation = javaSpark.broadcast(chunks(context.validation()));
        search = UnitCodec.search(new UnitCodec.Search(spec,
            context.data().featureWidth(), context.data().numClasses(), residentBytes, hashes,
            context.validation().contentHash()));
        threads = java.util.concurrent.Executors.newFixedThreadPool(n, runnable -> {
            Thread thread = new Thread(runnable, "cerebro-spark-unit");
            thread.setDaemon(true);
            return thread;
        });
        place(n);
        // executors hold their own copies now; Spark's cached copies go (a reload fetches from the driver)
        for (Broadcast<byte[][]> broadcast : partitions) {
            broadcast.unpersist(false);
        }
        validation.unpersist(false);
        placementNanos.set(System.nanoTime() - start);
        LOG.info("{} placed {} partitions on executors {} in {} ms", name(), hashes.length, Arrays.toString(executorOf),
            placementNanos.get() / 1_000_000);
    }

    private void checkSettings() {
        String refused = refusal(spark.getConf(), workers());
        if (refused != null) {
            throw new IllegalStateException(refused);
        }
    }

    /** Why a search cannot run on {@code workers} executors of an application with {@code conf}, or null. */
    static String refusal(SparkConf conf, int workers) {
        int minimum = conf.getInt("spark.dynamicAllocation.minExecutors", 0);
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false) && minimum < workers) {
            return "spark.dynamicAllocation.enabled=true with spark.dynamicAllocation.minExecutors=" + minimum
                + ": Cerebro keeps partitions resident on " + workers + " executors, which dynamic allocation may remove;"
                + " disable it or set spark.dynamicAllocation.minExecutors >= " + workers;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Broadcast<byte[][]>[] newBroadcastArray(int n) {
        return (Broadcast<byte[][]>[]) new Broadcast<?>[n];
    }

    private static byte[][] chunks(Dataset data) {
        long length = data.sizeInBytes();
        int count = (int) ((length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        byte[][] chunks = new byte[count][];
        for (int i = 0; i < count; i++) {
            long offset = (long) i * CHUNK_BYTES;
            chunks[i] = new byte[(int) Math.min(CHUNK_BYTES, length - offset)];
            data.records().getBytes((int) offset, chunks[i]);
        }
        return chunks;
    }

    /** One job per worker loads its partitions, the validation data and the trainable; all at once. */
    private void place(int n) {
        List<java.util.concurrent.Future<UnitCodec.Reply>> pending = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            int worker = w;
            byte[] job = UnitCodec.place(context.placement().partitionsOf(w));
            pending.add(threads.submit(() -> runJob(worker, job, "place partitions on worker " + worker)));
        }
        for (int w = 0; w < n; w++) {
            UnitCodec.Reply reply;
            try {
                reply = pending.get(w).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while placing the data on the executors", e);
            } catch (java.util.concurrent.ExecutionException e) {
                close();
                throw new IllegalStateException("cannot place partitions " + Arrays.toString(
                    context.placement().partitionsOf(w)) + " on executor " + executorOf[w] + ": "
                    + e.getCause().getMessage(), e.getCause());
            }
            if (reply.outcome() != UnitCodec.Outcome.TRAINED) {
                close();
                throw new IllegalStateException("cannot place partitions on executor " + executorOf[w] + ": "
                    + reply.message());
            }
            if (!reply.executorId().equals(executorOf[w])) {
                LOG.warn("worker {}: its partitions went to executor {} instead of {}", w, reply.executorId(),
                    executorOf[w]);
                executorOf[w] = reply.executorId();
            }
        }
    }

    /** Runs {@code unit} as one job of one task on worker {@code w}'s executor and returns its reply. */
    private UnitCodec.Reply runJob(int w, byte[] unit, String description) {
        String executor = executorFor(w);
        ExecutorSummary summary = live.stream().filter(e -> e.id().equals(executor)).findFirst().orElse(null);
        List<String> prefer = summary == null ? List.of() : List.of("executor_" + host(summary) + "_" + executor);
        JavaRDD<Integer> one = JavaRDD.fromRDD(spark.makeRDD(seq(List.of(new Tuple2<>(w, seq(prefer)))), INT), INT);
        spark.setJobGroup(jobGroup, description, true);
        List<byte[]> replies;
        jobsRunning.incrementAndGet();
        try {
            replies = one.mapPartitions(new UnitTask(search, partitions, validation, unit)).collect();
        } finally {
            jobsRunning.decrementAndGet();
        }
        UnitCodec.Reply reply = UnitCodec.reply(replies.get(0));
        if (!reply.executorId().equals(executor)) {
            unitsAway.incrementAndGet();
        }
        return reply;
    }

    private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toList();
    }

    private static String host(ExecutorSummary executor) {
        String hostPort = executor.hostPort();
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    /**
     * Worker {@code w}'s executor: its own while it lives and no other worker shares it; else a
     * live one no worker has (a replacement the cluster manager started); else the least shared.
     */
    private synchronized String executorFor(int w) {
        refreshExecutors(false);
        List<String> ids = live.stream().map(ExecutorSummary::id).toList();
        if (ids.isEmpty()) {
            return executorOf[w]; // none live: Spark waits for one
        }
        String mine = executorOf[w];
        if (ids.contains(mine) && (sharing(mine) == 1 || ids.stream().noneMatch(id -> sharing(id) == 0))) {
            return mine;
        }
        String other = ids.stream().min(Comparator.comparingLong(this::sharing)).orElseThrow();
        LOG.warn("worker {}: executor {} is {}; executor {} serves it now (its partitions load there on first use)", w,
            mine, ids.contains(mine) ? "shared since another was lost" : "gone", other);
        executorOf[w] = other;
        return other;
    }

    private long sharing(String executor) {
        return Arrays.stream(executorOf).filter(executor::equals).count();
    }

    private synchronized void refreshExecutors(boolean now) {
        long time = System.nanoTime();
        if (now || time - executorsCheckedNanos > TimeUnit.MILLISECONDS.toNanos(250)) {
            List<ExecutorSummary> found = new ArrayList<>(CollectionConverters.asJava(
                spark.statusStore().executorList(true)));
            found.removeIf(e -> e.id().equals("driver") || !e.isActive());
            found.sort(Comparator.comparing((ExecutorSummary e) -> e.id().length()).thenComparing(ExecutorSummary::id));
            live = List.copyOf(found);
            executorsCheckedNanos = time;
        }
    }

    /** Waits for {@code n} live executors, in id order. */
    private List<ExecutorSummary> awaitExecutors(int n) {
        if (spark.isLocal()) {
            throw new IllegalStateException("Spark master " + spark.master() + " runs every task inside the driver, with no"
                + " executors to keep partitions on: use LocalExecutor.cpus(n) on one machine, or a cluster master"
                + " (spark://, yarn, k8s://, or local-cluster[n,cores,memory] to try it on one machine)");
        }
        if (spark.isStopped()) {
            throw new IllegalStateException("Spark application " + spark.applicationId() + " is stopped");
        }
        long deadline = System.nanoTime() + registrationTimeout.toNanos();
        while (true) {
            refreshExecutors(true);
            if (live.size() >= n) {
                return live.subList(0, n);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Spark application " + spark.applicationId() + " on master "
                    + spark.master() + " has " + live.size() + " executors after " + registrationTimeout.toSeconds()
                    + " s, expected " + n + ": start more (spark.executor.instances, the workers' cores) or ask for"
                    + " fewer with workers(n)");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Spark executors", e);
            }
        }
    }

    @Override
    public void start(int worker, UnitWork work) {
        if (context == null) {
            throw new IllegalStateException("executor not opened");
        }
        byte[] unit = UnitCodec.unit(work);
        long startNanos = System.nanoTime();
        threads.execute(() -> {
            UnitResult result;
            try {
                result = complete(worker, work, unit, startNanos);
            } catch (Throwable e) { // an Error on this thread: the kernel must still hear of the unit
                result = UnitResult.fatal(e, startNanos, System.nanoTime());
            }
            events.add(new WorkerEvent.UnitDone(worker, work, result));
        });
    }

    /** Runs the unit's job and turns its reply into a result, checkpointing the state here when the journal is durable. */
    private UnitResult complete(int worker, UnitWork work, byte[] unit, long startNanos) {
        UnitCodec.Reply reply;
        try {
            reply = runJob(worker, unit, "cerebro trial " + work.trialId() + " epoch " + work.epoch() + " partition "
                + work.partition());
        } catch (RuntimeException e) {
            String why = closed ? "the search closed while the unit ran" : "Spark could not run it: " + e.getMessage();
            return UnitResult.fatal(new IllegalStateException("unit trial=" + work.trialId() + " epoch=" + work.epoch()
                + " partition=" + work.partition() + " on executor " + executorOf[worker] + ": " + why, e), startNanos,
                System.nanoTime());
        }
        tablesLoaded.addAndGet(reply.tablesLoaded());
        long end = System.nanoTime();
        unitNanos.addAndGet(end - startNanos);
        executorNanos.addAndGet(reply.nanos());
        if (reply.outcome() == UnitCodec.Outcome.FATAL) {
            return UnitResult.fatal(new IllegalStateException(reply.message()), startNanos, end);
        } else if (reply.outcome() == UnitCodec.Outcome.TRIAL_FAILED) {
            return new UnitResult(TrialState.NONE, Double.NaN, null, reply.message(), null, null, startNanos, end);
        }
        Checkpoint checkpoint = null;
        if (context.journal().durable()) {
            try {
                checkpoint = context.journal().checkpoint(work.trialId(), work.epoch(), reply.state());
            } catch (RuntimeException e) {
                return UnitResult.fatal(e, startNanos, end);
            }
        }
        return new UnitResult(new TrialState.Bytes(reply.state()), reply.loss(), reply.metrics(), null, null, checkpoint,
            startNanos, end);
    }

    @Override
    public WorkerEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        return events.poll(timeout, unit);
    }

    /** Cancels this search's unit jobs still running, drops the broadcasts; the Spark application goes on. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (threads != null) {
            if (jobsRunning.get() > 0 && !spark.isStopped()) {
                spark.cancelJobGroup(jobGroup);
            }
            threads.shutdownNow();
            try {
                threads.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (partitions != null) {
            for (Broadcast<byte[][]> broadcast : partitions) {
                if (broadcast != null) {
                    broadcast.destroy(false);
                }
            }
        }
        if (validation != null) {
            validation.destroy(false);
        }
    }
}
