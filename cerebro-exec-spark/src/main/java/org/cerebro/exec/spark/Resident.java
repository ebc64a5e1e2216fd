package org.cerebro.exec.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Storage;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitJournal;
import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitRunner;
import org.cerebro.exec.UnitWork;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableFactory;
import org.cerebro.train.WorkerDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stays in a Spark executor's JVM between unit jobs: the tables it trains on, off-heap in
 * the same record layout the other executors use, keyed by their SHA-256, and the trainables built
 * from their specs. A table a unit needs and the executor lacks (its first unit, an executor that
 * replaced a lost one, a unit Spark ran away from its preferred executor) is loaded from its
 * broadcast and accepted only when its hash is the one the driver named: other data never stands
 * in for it. Tables not in use are evicted least recently used first while the resident bytes
 * exceed the search's budget (checked when a table loads and when a unit ends).
 *
 * <p>Thread-safe: an executor with several cores runs several unit jobs at once.
 */
final class Resident {
    static final Resident INSTANCE = new Resident();
    private static final Logger LOG = LoggerFactory.getLogger(Resident.class);

    private final LinkedHashMap<String, Table> tables = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Trainable> trainables = new HashMap<>();
    private long residentBytes;

    private static final class Table {
        final Dataset data;
        int users;

        Table(Dataset data) {
            this.data = data;
        }
    }

    private Resident() {
    }

    /** Runs one unit job: a unit, or the placement of partitions; returns the reply's bytes. */
    byte[] run(byte[] searchBytes, Broadcast<byte[][]>[] partitions, Broadcast<byte[][]> validation, byte[] unitBytes) {
        long start = System.nanoTime();
        String executorId = SparkEnv.get() == null ? "?" : SparkEnv.get().executorId();
        UnitCodec.Search search = UnitCodec.search(searchBytes);
        UnitCodec.Unit unit = UnitCodec.unit(unitBytes);
        int[] loaded = new int[1];
        List<String> held = new ArrayList<>();
        try {
            Trainable trainable = trainable(search);
            if (unit.trialId() == UnitCodec.PLACE) {
                for (int p : unit.place()) {
                    acquire(search, "partition " + p, search.partitionHashes()[p], partitions[p], loaded, held);
                }
                acquire(search, "validation", search.validationHash(), validation, loaded, held);
                return reply(UnitCodec.Outcome.TRAINED, Double.NaN, null, null, new byte[0], executorId, loaded[0], start);
            }
            int p = unit.partition();
            Dataset partition = acquire(search, "partition " + p, search.partitionHashes()[p], partitions[p], loaded, held);
            Dataset validationData = acquire(search, "validation", search.validationHash(), validation, loaded, held);
            Config config = Config.fromBytes(unit.config(), loader());
            TrialState state = unit.state().length == 0 ? TrialState.NONE : new TrialState.Bytes(unit.state());
            UnitWork work = new UnitWork(unit.trialId(), unit.epoch(), p, config, unit.trialSeed(), state, unit.evaluate());
            UnitResult result = UnitRunner.run(trainable, new DataSpec(search.featureWidth(), search.numClasses()), work,
                partition, validationData, UnitJournal.NONE, true);
            if (result.fatal() != null) {
                return reply(UnitCodec.Outcome.FATAL, Double.NaN, null, UnitRunner.describe(result.fatal()), new byte[0],
                    executorId, loaded[0], start);
            } else if (result.failure() != null) {
                return reply(UnitCodec.Outcome.TRIAL_FAILED, Double.NaN, null, result.failure(), new byte[0], executorId,
                    loaded[0], start);
            }
            return reply(UnitCodec.Outcome.TRAINED, result.loss(), result.metrics(), null,
                ((TrialState.Bytes) result.state()).bytes(), executorId, loaded[0], start);
        } catch (RuntimeException e) {
            // the executor cannot serve this unit (no factory for the trainable, a damaged table): the run stops
            return reply(UnitCodec.Outcome.FATAL, Double.NaN, null, "executor " + executorId + ": "
                + UnitRunner.describe(e), new byte[0], executorId, loaded[0], start);
        } finally {
            release(held, search.residentBytes());
        }
    }

    private static byte[] reply(UnitCodec.Outcome outcome, double loss, org.cerebro.train.Metrics metrics, String message,
                                byte[] state, String executorId, int loaded, long start) {
        return UnitCodec.reply(new UnitCodec.Reply(outcome, loss, metrics, message, state, executorId, loaded,
            System.nanoTime() - start));
    }

    private static ClassLoader loader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader(); // Spark's, with the application's jars
        return loader != null ? loader : Resident.class.getClassLoader();
    }

    /**
     * The search's trainable on this task's device: a GPU when Spark's resource scheduling gave the
     * task one ({@code spark.task.resource.gpu.amount}), with as many intra-op threads as the task
     * has cores ({@code spark.task.cpus}).
     */
    private Trainable trainable(UnitCodec.Search search) {
        TaskContext task = TaskContext.get();
        WorkerDevice device = WorkerDevice.CPU;
        int cpus = 1;
        if (task != null) {
            cpus = Math.max(1, task.cpus());
            ResourceInformation gpus = task.resourcesJMap().get("gpu");
            if (gpus != null && gpus.addresses().length > 0) {
                device = WorkerDevice.gpu(Integer.parseInt(gpus.addresses()[0]));
            }
        }
        String key = search.spec() + "@" + device.kind() + device.index() + "x" + cpus;
        synchronized (trainables) {
            Trainable trainable = trainables.get(key);
            if (trainable == null) {
                Trainable built = TrainableFactory.build(search.spec(), loader());
                built.configureWorkers(Math.max(1, Runtime.getRuntime().availableProcessors() / cpus));
                trainable = built.onDevice(device);
                trainables.put(key, trainable);
            }
            return trainable;
        }
    }

    /** The table {@code hash}, loading it from {@code source} when this executor lacks it. */
    private Dataset acquire(UnitCodec.Search search, String what, String hash, Broadcast<byte[][]> source, int[] loaded,
                            List<String> held) {
        synchronized (this) {
            Table table = tables.get(hash);
            if (table != null) {
                table.users++;
                held.add(hash);
                return table.data;
            }
        }
        // load outside the lock: other units on this executor go on meanwhile
        Dataset data = load(search, what, hash, source);
        synchronized (this) {
            Table table = tables.get(hash);
            if (table != null) { // another task loaded it meanwhile
                data.close();
            } else {
                table = new Table(data);
                tables.put(hash, table);
                residentBytes += data.sizeInBytes();
                loaded[0]++;
            }
            table.users++;
            held.add(hash);
            evict(search.residentBytes());
            return table.data;
        }
    }

    private static Dataset load(UnitCodec.Search search, String what, String hash, Broadcast<byte[][]> source) {
        byte[][] chunks = source.value();
        Dataset data = Datasets.fromRecords(what + " " + hash.substring(0, 12), Arrays.asList(chunks),
            search.featureWidth(), search.numClasses(), Storage.direct());
        String actual = data.contentHash();
        if (!actual.equals(hash)) {
            data.close();
            throw new IllegalStateException(what + " loaded from broadcast " + source.id() + " has sha256=" + actual
                + " expected " + hash);
        }
        LOG.info("loaded {} ({} records, {} bytes, sha256 {})", what, data.size(), data.sizeInBytes(), hash);
        return data;
    }

    /** Lets go of the tables a unit held; those not in use beyond the budget are closed now. */
    private synchronized void release(List<String> held, long budget) {
        for (String hash : held) {
            Table table = tables.get(hash);
            if (table != null) {
                table.users--;
            }
        }
        evict(budget);
    }

    /** Closes unused tables, least recently used first, while more than {@code budget} bytes are resident. */
    private void evict(long budget) {
        Iterator<Map.Entry<String, Table>> oldest = tables.entrySet().iterator();
        while (residentBytes > budget && oldest.hasNext()) {
            Table table = oldest.next().getValue();
            if (table.users == 0) {
                residentBytes -= table.data.sizeInBytes();
                table.data.close();
                oldest.remove();
            }
        }
    }
}
