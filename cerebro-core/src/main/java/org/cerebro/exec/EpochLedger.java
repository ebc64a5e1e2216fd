package org.cerebro.exec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cerebro.train.Metrics;

/**
 * The epochs an executor that runs units on workers has in hand: each trial's submitted task,
 * the partitions it visited in that epoch and their loss sum, and the progress of trials restored
 * from a checkpoint. It turns each completed unit into the {@link CompletedUnit} to journal, and a
 * finished or failed epoch into its {@link EpochOutcome}. Shared by the local and cluster
 * executors, which differ only in how a unit reaches a worker.
 *
 * <p>Not thread-safe: the executor's driver thread.
 */
public final class EpochLedger {
    private final long trainingRecords;
    private final Map<Integer, EpochTask> tasks = new HashMap<>();
    private final Map<Integer, TrialProgress> restored = new HashMap<>();
    private final Map<Integer, List<Integer>> visits = new HashMap<>();
    private final Map<Integer, Double> lossSums = new HashMap<>();

    /** @param trainingRecords records over all partitions: an epoch's loss is averaged over them */
    public EpochLedger(long trainingRecords) {
        this.trainingRecords = trainingRecords;
    }

    /**
     * Registers a submitted epoch.
     *
     * @return the partitions of it already visited (from a restored checkpoint; usually none)
     * @throws IllegalStateException when the trial already has an epoch in hand, or its restored
     *                               progress is at another epoch
     */
    public List<Integer> submit(EpochTask task) {
        int t = task.trialId();
        if (tasks.containsKey(t)) {
            throw new IllegalStateException("trial=" + t + " already has epoch=" + tasks.get(t).epoch() + " queued");
        }
        TrialProgress progress = restored.remove(t);
        if (progress != null && progress.epochsDone() != task.epoch() - 1) {
            throw new IllegalStateException("trial=" + t + " epoch=" + task.epoch() + " submitted but its restored"
                + " progress has " + progress.epochsDone() + " epochs done");
        }
        List<Integer> done = progress == null ? List.of() : progress.partitionsDone();
        tasks.put(t, task);
        visits.put(t, new ArrayList<>(done));
        lossSums.put(t, progress == null ? 0.0 : progress.lossSum());
        return done;
    }

    /** Remembers a trial's checkpointed progress until its epoch is submitted. */
    public void restore(int trialId, TrialProgress progress) {
        if (tasks.containsKey(trialId)) {
            throw new IllegalStateException("trial=" + trialId + " already has an epoch queued: restore it before");
        }
        restored.put(trialId, progress);
    }

    /** The task of a trial's epoch in hand, or null. */
    public EpochTask task(int trialId) {
        return tasks.get(trialId);
    }

    /** The trials with an epoch in hand. */
    public Set<Integer> trials() {
        return Set.copyOf(tasks.keySet());
    }

    /**
     * Records a unit that trained: its partition joins the epoch's visits, its loss the sum.
     *
     * @param partitionRecords the partition's records, the weight of its mean loss
     * @return the unit as the journal records it
     */
    public CompletedUnit unitDone(UnitRecord record, double loss, long partitionRecords, Metrics metrics,
                                  Checkpoint checkpoint) {
        int t = record.trialId();
        visits.get(t).add(record.partition());
        double lossSum = lossSums.merge(t, loss * partitionRecords, Double::sum);
        return new CompletedUnit(record, visits.get(t), lossSum, metrics, checkpoint);
    }

    /** Closes a trial's epoch after its last unit: the outcome with the mean training loss and visit order. */
    public EpochOutcome epochDone(int trialId, int epoch, Metrics metrics) {
        tasks.remove(trialId);
        return new EpochOutcome(trialId, epoch, metrics, lossSums.remove(trialId) / trainingRecords, null,
            List.copyOf(visits.remove(trialId)));
    }

    /** Fails a trial's epoch during the unit over {@code partition}. */
    public EpochOutcome failed(int trialId, int epoch, int partition, String failure) {
        tasks.remove(trialId);
        lossSums.remove(trialId);
        List<Integer> visited = visits.remove(trialId);
        visited.add(partition);
        return new EpochOutcome(trialId, epoch, null, Double.NaN, failure, List.copyOf(visited));
    }

    /** Forgets a trial's restored progress (it was released before it ran again). */
    public void forget(int trialId) {
        restored.remove(trialId);
    }
}
