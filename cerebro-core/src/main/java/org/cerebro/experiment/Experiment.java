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
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableFactory;
import org.cerebro.train.TrainedModel;
import org.cerebro.train.TrainableSpec;

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
    private static final String CATALOG = "catalog.cmap";
    private static final String FINGERPRINT = "meta/fingerprint";
    private static final String CONCURRENCY = "meta/concurrency";
    private static final String RUNS = "meta/runs";
    private static final String DATA = "meta/data";
    private static final String TRAINING_RECORDS = "meta/training-records";
    private static final String TRAINABLE = "meta/trainable";
    /** Entries the catalog is sized for (two per trial, one per epoch); it grows 50-fold on demand. */
    private static final long MAX_ENTRIES = 4_000;

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final DurableMap catalog;
    private final CheckpointStore checkpoints;
    private final long trainingRecords;
    private final boolean resumed;
    private final boolean writable;
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
    /** Per trial, the units the record in use says were done: the newest record, or the older one a damaged checkpoint fell back to. */
    private final Map<Integer, Long> unitsRecovered = new HashMap<>();
    /** What a user can do about a catalog that is lost, and why the checkpoints do not help. */
    private static final String CANNOT_REBUILD = "The catalog cannot be rebuilt from checkpoints/: it holds each"
        + " trial's config, seed and epoch history, the checkpoints only model states. Move the directory aside and"
        + " run the search again with a fresh experimentDir; the old checkpoints stay in place, untouched";
    private int outcomes;

    /**
     * What a search records when it creates its experiment directory.
     *
     * @param fingerprint       what the search is, line by line; a resumed search must match it
     * @param targetConcurrency the search's active trials at once; a resumed search keeps the
     *                          value stored at creation so it replays the same decisions
     * @param trainingRecords   the training records (an epoch's loss is averaged over them)
     * @param data              the data's shape, for reading models back
     * @param trainable         how to rebuild the trainable, or null when it cannot be (a lambda)
     */
    public record Creation(SearchFingerprint fingerprint, int targetConcurrency, long trainingRecords, DataSpec data,
                           TrainableSpec trainable) {
        /** Rejects nulls where a value is required. */
        public Creation {
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(data, "data");
        }
    }

    /** @param creation null to read the directory as it is, writing nothing */
    private Experiment(Path dir, FileChannel lockChannel, FileLock lock, DurableMap catalog, Creation creation,
                       List<String> corruptions) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.catalog = catalog;
        corruptions.forEach(c -> warnings.add("catalog recovery dropped a corrupt entry: " + c));
        byte[] stored = catalog.get(FINGERPRINT);
        if (stored == null && catalog.keys().stream().anyMatch(key -> !key.startsWith("meta/"))) {
            throw new IllegalStateException("experiment dir " + dir + ": catalog " + catalog.file() + " has entries but"
                + " its search fingerprint is missing" + (corruptions.isEmpty()
                ? " (a directory another version of Cerebro wrote, or one edited by hand)"
                : ", damaged: recovery dropped " + corruptions.size() + " corrupt entries " + corruptions)
                + "; without it a resume cannot check that this is the same search. " + CANNOT_REBUILD);
        }
        if (creation == null && stored == null) {
            throw new IllegalArgumentException("experiment dir " + dir + " holds no search: no run has recorded"
                + " anything in it");
        }
        if (stored != null && creation != null) {
            List<String> differences = SearchFingerprint.parse(stored).differences(creation.fingerprint());
            if (!differences.isEmpty()) {
                throw new IllegalArgumentException("experiment dir " + dir + " belongs to a different search; it cannot"
                    + " be resumed by this one. Use another directory, or delete this one to start afresh. Differences: "
                    + String.join("; ", differences));
            }
        }
        this.resumed = stored != null;
        this.writable = creation != null;
        if (!resumed) {
            catalog.put(CONCURRENCY, ByteBuffer.allocate(4).putInt(creation.targetConcurrency()).array());
            catalog.put(TRAINING_RECORDS, ByteBuffer.allocate(8).putLong(creation.trainingRecords()).array());
            catalog.put(DATA, ByteBuffer.allocate(8).putInt(creation.data().featureWidth())
                .putInt(creation.data().numClasses()).array());
            if (creation.trainable() != null) {
                catalog.put(TRAINABLE, CatalogCodec.encode(creation.trainable()));
            }
            catalog.put(FINGERPRINT, creation.fingerprint().toBytes()); // last: its presence means it is set up
        }
        byte[] storedConcurrency = catalog.get(CONCURRENCY);
        this.concurrency = storedConcurrency != null ? ByteBuffer.wrap(storedConcurrency).getInt()
            : creation != null ? creation.targetConcurrency() : 1;
        byte[] records = catalog.get(TRAINING_RECORDS);
        this.trainingRecords = records != null ? ByteBuffer.wrap(records).getLong()
            : creation != null ? creation.trainingRecords() : 1;
        byte[] runs = catalog.get(RUNS);
        long runsSoFar = runs == null ? 0 : ByteBuffer.wrap(runs).getLong();
        this.run = creation == null ? runsSoFar : runsSoFar + 1;
        if (creation != null) {
            catalog.put(RUNS, ByteBuffer.allocate(8).putLong(run).array());
        }
        this.checkpoints = new CheckpointStore(dir.resolve("checkpoints"));
        loadOutcomes();
        loadTrials();
    }

    /** The data's shape the search recorded, or null (a directory written before it was recorded). */
    public DataSpec data() {
        byte[] value = catalog.get(DATA);
        if (value == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        return new DataSpec(buffer.getInt(), buffer.getInt());
    }

    /** How to rebuild the search's trainable, or null when it could not be recorded (a lambda). */
    public TrainableSpec trainable() {
        byte[] value = catalog.get(TRAINABLE);
        return value == null ? null : CatalogCodec.decodeSpec(value);
    }

    /**
     * Opens (creating if needed) the experiment directory {@code dir} for the search
     * {@code creation} describes, and locks it for this process.
     *
     * @throws IllegalArgumentException when the directory belongs to a different search, naming
     *                                  every difference
     * @throws IllegalStateException    when another process (or search) holds the directory
     */
    public static Experiment open(Path dir, Creation creation) {
        Objects.requireNonNull(creation, "creation");
        return open(dir, creation, true);
    }

    /**
     * Opens an experiment directory a search wrote, to read it: nothing is written to it. It is
     * locked while open, so it cannot be read while a search runs in it.
     *
     * @throws IllegalArgumentException when {@code dir} is not an experiment directory
     * @throws IllegalStateException    when a search holds it
     */
    public static Experiment openToRead(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir) || !Files.exists(dir.resolve(CATALOG))) {
            throw new IllegalArgumentException("experiment dir " + dir + " has no catalog " + CATALOG
                + ": not an experiment directory");
        }
        return open(dir, null, false);
    }

    private static Experiment open(Path dir, Creation creation, boolean create) {
        Objects.requireNonNull(dir, "dir");
        FileChannel channel = null;
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("experiment dir " + dir + " is a file; expected a directory");
            }
            if (create) {
                Files.createDirectories(dir);
            }
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
            DurableMap catalog;
            try {
                catalog = DurableMap.openRecovering(dir.resolve(CATALOG), MAX_ENTRIES, 16, 512, corruptions);
            } catch (org.cerebro.store.DamagedStoreException e) {
                throw new IllegalStateException("experiment dir " + dir + ": its catalog " + CATALOG + " is damaged: "
                    + e.getMessage() + ". " + CANNOT_REBUILD, e);
            } catch (UncheckedIOException e) {
                long usable = Files.getFileStore(dir).getUsableSpace();
                throw new UncheckedIOException("experiment dir " + dir + ": cannot open its catalog " + CATALOG + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + " (" + usable
                    + " bytes usable on that file system; the catalog needs a few MB)", e.getCause());
            }
            try {
                return new Experiment(dir, channel, lock, catalog, creation, corruptions);
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

    private void loadTrials() {
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
        for (Map.Entry<Integer, List<TrialRecord>> entry : byTrial.entrySet()) {
            List<TrialRecord> records = entry.getValue();
            records.sort((a, b) -> Long.compare(b.seq(), a.seq()));
            recovered.put(entry.getKey(), records);
            current.put(entry.getKey(), records.get(0));
            if (records.size() > 1) {
                previous.put(entry.getKey(), records.get(1));
            }
            unitsRecovered.put(entry.getKey(), records.get(0).unitsDone());
        }
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

    /**
     * Units earlier runs made durable (over all trials): a trial whose newest checkpoint was found
     * damaged counts the units of the record it fell back to, not the ones it lost.
     */
    public long unitsRecovered() {
        return unitsRecovered.values().stream().mapToLong(Long::longValue).sum();
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
        checkWritable();
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
        } else if (!known.startConfig().equals(config) || known.trialSeed() != trialSeed) {
            throw new IllegalStateException("experiment dir " + dir + ": trial=" + trialId + " was recorded with config="
                + known.startConfig() + " seed=" + known.trialSeed() + " but the search now starts it with config="
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
     * Records that trial {@code trialId}, paused after {@code epoch} epochs, took over trial
     * {@code sourceId}'s state at that epoch and goes on with {@code config} (population-based
     * training), unless the directory shows it did already: the takeover is recorded, or the
     * trial has made units durable since. Its checkpoint becomes a copy of the source's state.
     *
     * @param sourceState the source's state at {@code epoch}, or null to read it from the source's
     *                    checkpoint (a resumed search that replayed the source's epochs)
     * @return whether it was recorded now; false when the directory had it, so the trial's own
     *         checkpoint holds its state
     * @throws IllegalStateException when the directory contradicts the takeover: another config
     *                               recorded for it, or no checkpoint of the source at that epoch
     */
    public boolean trialAdopted(int trialId, int sourceId, int epoch, org.cerebro.space.Config config,
                                byte[] sourceState) {
        TrialRecord known = usable(trialId);
        if (known == null) {
            throw new IllegalStateException("trial=" + trialId + " takes over a state but was never started");
        }
        TrialRecord.Adoption adoption = new TrialRecord.Adoption(sourceId, epoch);
        boolean progressed = known.epochsDone() > epoch || !known.partitionsDone().isEmpty();
        if (progressed || adoption.equals(known.adoption())) {
            if (!known.config().equals(config)) {
                throw new IllegalStateException("experiment dir " + dir + ": trial=" + trialId + " took over trial="
                    + sourceId + "'s state at epoch=" + epoch + " with config=" + known.config() + " but the search now"
                    + " gives it config=" + config + ": the strategy no longer replays the recorded search");
            }
            return false;
        }
        byte[] state = sourceState;
        if (state == null) {
            TrialProgress source = progress(sourceId);
            if (source == null || source.epochsDone() != epoch || !source.partitionsDone().isEmpty()) {
                throw new IllegalStateException("experiment dir " + dir + ": trial=" + trialId + " takes over trial="
                    + sourceId + "'s state at the end of epoch " + epoch + " but the directory holds "
                    + (source == null ? "no checkpoint of it" : "its checkpoint after " + source.epochsDone()
                    + " epoch(s) and partitions " + source.partitionsDone()));
            }
            state = source.state();
        }
        Checkpoint copy = checkpoints.write("t" + trialId + "-e" + epoch + "-from-t" + sourceId + "-r" + run + "-"
            + checkpointCounter.incrementAndGet() + ".ckpt", state);
        write(known.adopted(adoption, config, copy));
        return true;
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
            record = record.withSeq(newestSeq + 1);
            previous.put(trialId, candidates.get(0)); // overwritten next, and its damaged checkpoint deleted
        }
        current.put(trialId, record);
        unitsRecovered.put(trialId, record.unitsDone());
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
        checkWritable();
        int trialId = record.trialId();
        verified.remove(trialId); // read for the record this one replaces
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

    private void checkWritable() {
        if (!writable) {
            throw new IllegalStateException("experiment dir " + dir + " is open to read: nothing is written to it");
        }
    }

    /**
     * Every trial the directory recorded, by id: its config, status and the epochs it completed.
     * Damage found while reading is in {@link #warnings()}.
     */
    public List<RecordedTrial> trials() {
        List<RecordedTrial> trials = new ArrayList<>();
        for (int id : new java.util.TreeSet<>(current.keySet())) {
            TrialRecord record = current.get(id);
            trials.add(new RecordedTrial(id, record.config(), record.trialSeed(), record.status(), record.epochsDone(),
                record.history(), record.checkpoint() != null, !record.partitionsDone().isEmpty()));
        }
        return trials;
    }

    /**
     * A trial's trained model at the last epoch it completed, from its checkpoint, restored with the
     * trainable the search recorded (a {@link org.cerebro.train.TrainableFactory} of its kind must be
     * on the class path).
     *
     * @throws IllegalArgumentException when the trial is unknown, has no checkpoint at an epoch's end,
     *                                  or its trainable was not recorded (use {@link #model(int, Trainable)})
     */
    public TrainedModel model(int trialId) {
        TrainableSpec spec = trainable();
        if (spec == null) {
            throw new IllegalArgumentException("experiment dir " + dir + " did not record how to rebuild its trainable"
                + " (a lambda or anonymous class): call model(trialId, trainable)");
        }
        return model(trialId, TrainableFactory.build(spec, Experiment.class.getClassLoader()));
    }

    /** As {@link #model(int)}, restored with {@code trainable}. */
    public TrainedModel model(int trialId, Trainable trainable) {
        Objects.requireNonNull(trainable, "trainable");
        DataSpec data = data();
        if (data == null) {
            throw new IllegalStateException("experiment dir " + dir + " did not record the data's shape");
        }
        TrialRecord record = usable(trialId);
        if (record == null) {
            throw new IllegalArgumentException("experiment dir " + dir + " has no trial=" + trialId + "; it has "
                + new java.util.TreeSet<>(current.keySet()));
        }
        if (record.checkpoint() == null || record.epochsDone() == 0) {
            throw new IllegalArgumentException("experiment dir " + dir + ": trial=" + trialId + " completed no epoch, so"
                + " it has no model");
        }
        if (!record.partitionsDone().isEmpty()) {
            throw new IllegalArgumentException("experiment dir " + dir + ": trial=" + trialId + "'s newest checkpoint is"
                + " in the middle of epoch " + (record.epochsDone() + 1) + " (partitions " + record.partitionsDone()
                + " done); the model after epoch " + record.epochsDone() + " was not kept. Resume the search to finish"
                + " the epoch");
        }
        TrialProgress progress = progress(trialId);
        EpochOutcome last = record.history().isEmpty() ? null : record.history().get(record.history().size() - 1);
        return new TrainedModel(trialId, record.config(), record.epochsDone(), last == null ? null : last.metrics(),
            trainable, data, progress.state());
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
