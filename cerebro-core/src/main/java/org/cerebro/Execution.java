package org.cerebro;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cerebro.exec.Checkpoint;
import org.cerebro.exec.CompletedUnit;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.EpochTask;
import org.cerebro.exec.Executor;
import org.cerebro.exec.TrialProgress;
import org.cerebro.exec.UnitJournal;
import org.cerebro.experiment.Experiment;

/**
 * The driver's view of execution: the executor, fronted by the experiment directory when there
 * is one. On resume, epochs whose outcomes the directory logged are not run: {@link #take()}
 * replays those outcomes in their logged order, so the driver's (deterministic) loop makes the
 * same decisions as the run that logged them; a trial first sent to the executor after the replay
 * is restored from its checkpoint, mid-epoch if it was killed there. Every outcome the driver
 * takes is logged before the driver acts on it.
 *
 * <p>Single-threaded: the driver thread, except {@link #journal}'s checkpoint writes.
 */
final class Execution {
    private final Executor executor;
    private final Experiment experiment;
    private final Deque<EpochOutcome> replay;
    private final Set<Long> replayable = new HashSet<>();
    private final Map<Integer, Integer> pending = new HashMap<>();
    private final Deque<EpochOutcome> recovered = new ArrayDeque<>();
    private final Set<Integer> inExecutor = new HashSet<>();

    /** @param experiment the experiment directory, or null */
    Execution(Executor executor, Experiment experiment) {
        this.executor = executor;
        this.experiment = experiment;
        this.replay = new ArrayDeque<>(experiment == null ? List.of() : experiment.loggedOutcomes());
        for (EpochOutcome outcome : replay) {
            replayable.add(key(outcome.trialId(), outcome.epoch()));
        }
    }

    private static long key(int trialId, int epoch) {
        return ((long) trialId << 32) | (epoch & 0xFFFFFFFFL);
    }

    /** Outcomes of an earlier run still to replay. */
    int replaying() {
        return replay.size();
    }

    /** The journal executors report units to: durable in the directory first, then the listeners. */
    UnitJournal journal(List<SearchListener> listeners, int partitions) {
        UnitJournal durable = experiment == null ? UnitJournal.NONE : experiment.journal();
        return new UnitJournal() {
            @Override
            public boolean durable() {
                return durable.durable();
            }

            @Override
            public Checkpoint checkpoint(int trialId, int epoch, byte[] state) {
                return durable.checkpoint(trialId, epoch, state);
            }

            @Override
            public void unitDone(CompletedUnit unit) {
                durable.unitDone(unit);
                listeners.forEach(l -> l.unitDone(unit.record(), partitions));
            }
        };
    }

    void trialStarted(int trialId, org.cerebro.space.Config config, long trialSeed) {
        if (experiment != null) {
            experiment.trialStarted(trialId, config.canonical(), trialSeed);
        }
    }

    void trialEnded(int trialId, TrialStatus status) {
        if (experiment != null) {
            experiment.trialEnded(trialId, status.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Runs (or replays, or recovers) an epoch. */
    void submit(EpochTask task) {
        int t = task.trialId();
        if (replayable.remove(key(t, task.epoch()))) {
            pending.put(t, task.epoch());
            return;
        }
        if (experiment != null && !inExecutor.contains(t)) {
            EpochOutcome done = experiment.recordedOutcome(t, task.epoch());
            if (done != null) { // its last unit was durable, the earlier run ended before acting on it
                recovered.add(done);
                return;
            }
            TrialProgress progress = experiment.progress(t);
            if (progress != null) {
                if (progress.epochsDone() != task.epoch() - 1) {
                    throw new IllegalStateException("experiment dir " + experiment.dir() + ": trial=" + t + " epoch="
                        + task.epoch() + " is due but its checkpoint has " + progress.epochsDone() + " epochs done");
                }
                executor.restore(t, progress);
            } else if (task.epoch() != 1) {
                throw new IllegalStateException("experiment dir " + experiment.dir() + ": trial=" + t + " epoch="
                    + task.epoch() + " is due but the directory holds no checkpoint of it");
            }
        }
        inExecutor.add(t);
        executor.submit(task);
    }

    /**
     * The next outcome: a logged one while replaying, then recovered ones, then the executor's;
     * null once a cancelled executor has drained.
     */
    EpochOutcome take() throws InterruptedException {
        EpochOutcome next = replay.poll();
        if (next != null) {
            Integer epoch = pending.remove(next.trialId());
            if (epoch == null || epoch != next.epoch()) {
                throw new IllegalStateException("experiment dir " + experiment.dir() + ": its log has trial="
                    + next.trialId() + " epoch=" + next.epoch() + " next, but this search is running "
                    + (epoch == null ? "no epoch of that trial" : "its epoch=" + epoch)
                    + ": the search no longer replays the recorded one");
            }
            return next;
        }
        next = recovered.poll();
        if (next == null) {
            next = executor.take();
        }
        if (next != null && experiment != null) {
            experiment.appendOutcome(next);
        }
        return next;
    }

    void park(int trialId) {
        executor.park(trialId);
    }

    void release(int trialId) {
        executor.release(trialId);
        inExecutor.remove(trialId);
    }
}
