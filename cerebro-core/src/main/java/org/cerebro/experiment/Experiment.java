package org.cerebro.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.cerebro.exec.Checkpoint;
import org.cerebro.exec.CompletedUnit;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.TrialProgress;
import org.cerebro.exec.UnitJournal;
import org.cerebro.store.DurableMap;

/**
 * One search's experiment directory, open for a run: it refuses a directory of another search,
 * hands the search what an earlier run recorded (the outcome log to replay, each trial's progress
 * and checkpoint) and records this run's units and outcomes before they count.
 *
 * <p>Crash safety: a checkpoint file is whole before the catalog names it; each trial's record
 * alternates between two catalog keys, so a record torn by a kill leaves the previous one, whose
 * checkpoint is kept until a newer record is safely written; every value carries a CRC-32C; the
 * catalog is reopened through Chronicle's recovery. A kill loses at most the units in flight.
 *
 * <p>Threading: {@link #journal()}'s checkpoint writes run on worker threads; everything else is
 * called by the search's driver thread.
 */
public final class Experiment implements AutoCloseable {
    private static final String FINGERPRINT = "meta/fingerprint";
    private static final String CONCURRENCY = "meta/concurrency";
    private static final String RUNS = "meta/runs";
    /** Entries the catalog is sized for (two per trial, one per epoch); it grows 50-fold on demand. */
    private static final long MAX_ENTRIES = 4_000;

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final DurableMap catalog;
    private final CheckpointStore checkpoints;
    private final long trainingRecords;
    private final boolean resumed;
    private final int concurrency;
    private final long run;
    private final AtomicLong checkpointCounter = new AtomicLong();
    private final List<String> warnings = new ArrayList<>();
    private final List<EpochOutcome> loggedOutcomes = new ArrayList<>();
    /** Per trial, the decoded records of its two slots, newest first (only valid ones). */
    private final Map<Integer, List<TrialRecord>> recovered = new HashMap<>();
    private final Map<Integer, TrialRecord> current = new HashMap<>();
    private final Map<Integer, TrialRecord> previous = new HashMap<>();
    /** Checkpoint payloads read (and verified) while choosing a trial's usable record, not yet handed out. */
    private final Map<Integer, byte[]> verified = new HashMap<>();
    private final long unitsRecovered;
    private int outcomes;

    private Experiment(Path dir, FileChannel lockChannel, FileLock lock, DurableMap catalog,
                       SearchFingerprint fingerprint, int targetConcurrency, long trainingRecords,
                       List<String> corruptions) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.catalog = catalog;
        this.trainingRecords = trainingRecords;
        corruptions.forEach(c -> warnings.add("catalog recovery dropped a corrupt entry: " + c));
        byte[] stored = catalog.get(FINGERPRINT);
        if (stored == null && catalog.keys().stream().anyMatch(key -> !key.startsWith("meta/"))) {
            throw new IllegalStateException("experiment dir " + dir + ": catalog " + catalog.file()
                + " has entries but no search fingerprint: it is not an experiment directory this version wrote");
        }
        if (stored != null) {
            List<String> differences = SearchFingerprint.parse(stored).differences(fingerprint);
            if (!differences.isEmpty()) {
                throw new IllegalArgumentException("experiment dir " + dir + " belongs to a different search; it cannot"
                    + " be resumed by this one. Use another directory, or delete this one to start afresh. Differences: "
                    + String.join("; ", differences));
            }
        }
        this.resumed = stored != null;
        if (!resumed) {
            catalog.put(CONCURRENCY, ByteBuffer.allocate(4).putInt(targetConcurrency).array());
            catalog.put(FINGERPRINT, fingerprint.toBytes()); // last: its presence means the directory is set up
        }
        byte[] storedConcurrency = catalog.get(CONCURRENCY);
        this.concurrency = storedConcurrency == null ? targetConcurrency : ByteBuffer.wrap(storedConcurrency).getInt();
        byte[] runs = catalog.get(RUNS);
        this.run = (runs == null ? 0 : ByteBuffer.wrap(runs).getLong()) + 1;
        catalog.put(RUNS, ByteBuffer.allocate(8).putLong(run).array());
        this.checkpoints = new CheckpointStore(dir.resolve("checkpoints"));
        loadOutcomes();
        this.unitsRecovered = loadTrials();
    }

    /**
     * Opens (creating if needed) the experiment directory {@code dir} for the search
     * {@code fingerprint}, and locks it for this process.
     *
     * @param targetConcurrency the search's active trials at once; a resumed search keeps the
     *                          value stored at creation so it replays the same decisions
     * @param trainingRecords   the training records (an epoch's loss is averaged over them)
     * @throws IllegalArgumentException when the directory belongs to a different search, naming
     *                                  every difference
     * @throws IllegalStateException    when another process (or search) holds the directory
     */
    public static Experiment open(Path dir, SearchFingerprint fingerprint, int targetConcurrency, long trainingRecords) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(fingerprint, "fingerprint");
        FileChannel channel = null;
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("experiment dir " + dir + " is a file; expected a directory");
            }
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("experiment dir " + dir + " is in use by another running search (lock "
                    + dir.resolve("lock") + " is held)");
            }
            List<String> corruptions = new ArrayList<>();
            DurableMap catalog = DurableMap.openRecovering(dir.resolve("catalog.cmap"), MAX_ENTRIES, 16, 512,
                corruptions);
            try {
                return new Experiment(dir, channel, lock, catalog, fingerprint, targetConcurrency, trainingRecords,
                    corruptions);
            } catch (RuntimeException e) {
                catalog.close();
                throw e;
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot open experiment dir " + dir, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private void loadOutcomes() {
        for (int n = 0; ; n++) {
            byte[] value = catalog.get("outcome/" + n);
            EpochOutcome outcome = CatalogCodec.decodeOutcome(value);
            if (outcome == null) {
                if (value != null) {
                    warnings.add("outcome log entry " + n + " fails its checksum: the log ends before it");
                }
                outcomes = n;
                return;
            }
            loggedOutcomes.add(outcome);
        }
    }

    private long loadTrials() {
        Map<Integer, List<TrialRecord>> byTrial = new HashMap<>();
        for (String key : catalog.keys()) {
            if (!key.startsWith("trial/")) {
                continue;
            }
            TrialRecord record = CatalogCodec.decodeTrial(catalog.get(key));
            if (record == null) {
                warnings.add("catalog entry " + key + " fails its checksum: ignored");
                continue;
            }
            byTrial.computeIfAbsent(record.trialId(), t -> new ArrayList<>()).add(record);
        }
        long units = 0;
        for (Map.Entry<Integer, List<TrialRecord>> entry : byTrial.entrySet()) {
            List<TrialRecord> records = entry.getValue();
            records.sort((a, b) -> Long.compare(b.seq(), a.seq()));
            recovered.put(entry.getKey(), records);
            current.put(entry.getKey(), records.get(0));
            if (records.size() > 1) {
                previous.put(entry.getKey(), records.get(1));
            }
            units += records.get(0).unitsDone();
        }
        return units;
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /** Whether an earlier run of this search wrote the directory. */
    public boolean resumed() {
        return resumed;
    }

    /** The search's target concurrency, as stored when the directory was created. */
    public int targetConcurrency() {
        return concurrency;
    }

    /** Units earlier runs made durable (over all trials, as the directory was opened). */
    public long unitsRecovered() {
        return unitsRecovered;
    }

    /** The epoch outcomes earlier runs acted on, in order: a resumed search replays them. */
    public List<EpochOutcome> loggedOutcomes() {
        return List.copyOf(loggedOutcomes);
    }

    /** What was found damaged and ignored (a checksum that failed, a torn checkpoint), for the user. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Appends an outcome the search is about to act on; durable when this returns. */
    public void appendOutcome(EpochOutcome outcome) {
        catalog.put("outcome/" + outcomes, CatalogCodec.encode(outcome));
        outcomes++;
    }

    /**
     * Records that trial {@code trialId} starts, or checks a recorded one is the same trial.
     *
     * @throws IllegalStateException when the recorded trial had another config or seed
     */
    public void trialStarted(int trialId, org.cerebro.space.Config config, long trialSeed) {
        TrialRecord known = current.get(trialId);
        if (known == null) {
            write(TrialRecord.started(trialId, config, trialSeed));
        } else if (!known.config().equals(config) || known.trialSeed() != trialSeed) {
            throw new IllegalStateException("experiment dir " + dir + ": trial=" + trialId + " was recorded with config="
                + known.config() + " seed=" + known.trialSeed() + " but the search now starts it with config="
                + config + " seed=" + trialSeed + ": the strategy no longer replays the recorded search");
        }
    }

    /** Records a trial's final status (completed, stopped, failed). */
    public void trialEnded(int trialId, String status) {
        TrialRecord known = current.get(trialId);
        if (known != null && !known.status().equals(status)) {
            write(known.withStatus(status));
        }
    }

    /**
     * The recorded outcome of a trial's epoch (its last unit was durable but the search had not
     * yet acted on it when the run ended), or null.
     */
    public EpochOutcome recordedOutcome(int trialId, int epoch) {
        TrialRecord known = usable(trialId);
        if (known == null) {
            return null;
        }
        for (EpochOutcome outcome : known.history()) {
            if (outcome.epoch() == epoch) {
                return outcome;
            }
        }
        return null;
    }

    /**
     * Where a recorded trial stands, with its checkpointed state, or null when it has none (it
     * had not finished a unit). A checkpoint that fails its checks is ignored, with a warning,
     * for the one before it.
     */
    public TrialProgress progress(int trialId) {
        TrialRecord known = usable(trialId);
        if (known == null || known.checkpoint() == null) {
            return null;
        }
        byte[] state = verified.remove(trialId);
        try {
            return new TrialProgress(known.epochsDone(), known.partitionsDone(), known.lossSum(),
                state != null ? state : checkpoints.read(known.checkpoint()));
        } catch (CorruptCheckpointException e) {
            throw new IllegalStateException("experiment dir " + dir + ": trial=" + trialId + " checkpoint turned bad"
                + " after it was checked: " + e.getMessage());
        }
    }

    /** The newest record of a trial whose checkpoint passes its checks. */
    private TrialRecord usable(int trialId) {
        List<TrialRecord> candidates = recovered.get(trialId);
        if (candidates == null) {
            return current.get(trialId);
        }
        long newestSeq = candidates.get(0).seq();
        for (TrialRecord candidate : candidates) {
            if (candidate.checkpoint() == null) {
                return adopt(trialId, candidate, newestSeq);
            }
            try {
                verified.put(trialId, checkpoints.read(candidate.checkpoint()));
                return adopt(trialId, candidate, newestSeq);
            } catch (CorruptCheckpointException e) {
                warnings.add("trial=" + trialId + ": ignored damaged checkpoint " + e.getMessage());
            }
        }
        throw new IllegalStateException("experiment dir " + dir + ": trial=" + trialId + " has no intact checkpoint"
            + " (see " + warnings + "); it cannot be resumed. Delete the directory to start afresh.");
    }

    private TrialRecord adopt(int trialId, TrialRecord record, long newestSeq) {
        List<TrialRecord> candidates = recovered.remove(trialId);
        if (record.seq() != newestSeq) {
            // the next write must land on the damaged record's slot, keeping this good one until then
            record = new TrialRecord(newestSeq + 1, record.trialId(), record.config(), record.trialSeed(),
                record.status(), record.epochsDone(), record.partitionsDone(), record.lossSum(), record.unitsDone(),
                record.checkpoint(), record.history());
            previous.put(trialId, candidates.get(0)); // overwritten next, and its damaged checkpoint deleted
        }
        current.put(trialId, record);
        return record;
    }

    /** The journal that makes this run's units durable. */
    public UnitJournal journal() {
        return new UnitJournal() {
            @Override
            public boolean durable() {
                return true;
            }

            @Override
            public Checkpoint checkpoint(int trialId, int epoch, byte[] state) {
                String name = "t" + trialId + "-e" + epoch + "-r" + run + "-" + checkpointCounter.incrementAndGet()
                    + ".ckpt";
                return checkpoints.write(name, state);
            }

            @Override
            public void unitDone(CompletedUnit unit) {
                int trialId = unit.record().trialId();
                if (unit.checkpoint() == null) {
                    throw new IllegalStateException("trial=" + trialId + " unit without a checkpoint in a durable run");
                }
                TrialRecord known = current.get(trialId);
                if (known == null) {
                    throw new IllegalStateException("trial=" + trialId + " ran a unit but was never started");
                }
                write(known.after(unit, trainingRecords));
            }
        };
    }

    /** Writes a trial's next record to the slot of the one before last, then drops that one's checkpoint. */
    private void write(TrialRecord record) {
        int trialId = record.trialId();
        TrialRecord overwritten = previous.get(trialId);
        catalog.put("trial/" + trialId + "/" + (record.seq() & 1), CatalogCodec.encode(record));
        TrialRecord last = current.put(trialId, record);
        if (last != null) {
            previous.put(trialId, last);
        }
        if (overwritten != null && overwritten.checkpoint() != null
            && !overwritten.checkpoint().equals(record.checkpoint())
            && (last == null || !overwritten.checkpoint().equals(last.checkpoint()))) {
            checkpoints.delete(overwritten.checkpoint().file());
        }
    }

    @Override
    public void close() {
        catalog.close();
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
