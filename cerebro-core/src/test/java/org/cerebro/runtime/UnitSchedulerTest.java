package org.cerebro.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cerebro.exec.EpochOutcome;
import org.cerebro.exec.Placement;
import org.cerebro.exec.TrialProgress;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.VisitPolicy;
import org.cerebro.runtime.TrialTable.Phase;
import org.cerebro.runtime.TrialTable.Trial;
import org.cerebro.space.Config;
import org.cerebro.train.Metrics;
import org.junit.jupiter.api.Test;

/**
 * The unit schedulers over the trial table: trials restored mid-epoch, and task parallelism, keep
 * every trial's fixed visit order; a trial never runs on two workers at once.
 */
class UnitSchedulerTest {
    private static final int PARTITIONS = 5;
    private static final long SEED = 11;

    private final TrialTable table = new TrialTable(PARTITIONS, SEED);

    private Trial register(int id) {
        return table.register(id, Config.of(Map.of("id", id)), id);
    }

    /** Ends the trial's current epoch as if it had run elsewhere (a replayed epoch). */
    private void replayEpoch(Trial trial) {
        table.grant(trial);
        table.endEpoch(trial, new EpochOutcome(trial.id(), trial.epochsDone() + 1, Metrics.of(0, 0), 0, null, List.of()));
    }

    /**
     * Runs every queued trial until it has done {@code epochs} epochs, workers taking turns as the
     * kernel's loop does; returns each trial's units in order.
     */
    private Map<Integer, List<Unit>> drain(UnitScheduler scheduler, int workers, int epochs) {
        Map<Integer, List<Unit>> byTrial = new HashMap<>();
        Unit[] running = new Unit[workers];
        while (table.count(Phase.QUEUED) + table.count(Phase.TRAINING) > 0) {
            boolean progressed = false;
            for (int w = 0; w < workers; w++) {
                if (running[w] == null) {
                    running[w] = scheduler.next(w);
                    if (running[w] != null) {
                        table.started(table.get(running[w].trial()), w, false);
                    }
                }
            }
            for (int w = 0; w < workers; w++) {
                Unit unit = running[w];
                if (unit == null) {
                    continue;
                }
                for (int other = 0; other < workers; other++) {
                    assertTrue(other == w || running[other] == null || running[other].trial() != unit.trial(),
                        "a trial on two workers");
                }
                byTrial.computeIfAbsent(unit.trial(), t -> new ArrayList<>()).add(unit);
                Trial trial = table.get(unit.trial());
                if (table.unitDone(trial, unit.partition(), 0, TrialState.NONE)) {
                    scheduler.withdraw(trial);
                    table.endEpoch(trial, new EpochOutcome(trial.id(), unit.epoch(), Metrics.of(0, 0), 0, null,
                        trial.visitedThisEpoch()));
                    if (trial.epochsDone() < epochs) {
                        table.grant(trial);
                        scheduler.offer(trial);
                    } else {
                        table.end(trial, Phase.COMPLETED);
                    }
                } else {
                    scheduler.offer(trial);
                }
                running[w] = null;
                progressed = true;
            }
            assertTrue(progressed, "no worker got a unit while epochs are queued");
        }
        return byTrial;
    }

    @Test
    void aTrialRestoredMidEpochGoesOnInItsFixedOrder() {
        List<Integer> order = VisitOrder.of(SEED, 3, 2, PARTITIONS);
        MopScheduler scheduler = new MopScheduler(table, Placement.replicated(2, PARTITIONS, 1), VisitPolicy.FIXED, SEED);
        Trial trial = register(3);
        replayEpoch(trial);
        table.restore(trial, new TrialProgress(1, order.subList(0, 2), 0, new byte[0]));
        table.grant(trial);
        scheduler.offer(trial);
        List<Integer> visited = drain(scheduler, 2, 3).get(3).stream().map(Unit::partition).toList();
        List<Integer> expected = new ArrayList<>(order.subList(2, PARTITIONS));
        expected.addAll(VisitOrder.of(SEED, 3, 3, PARTITIONS));
        assertEquals(expected, visited);
        assertEquals(3, trial.epochsDone());
    }

    @Test
    void freeOrderRestoredMidEpochVisitsOnlyTheRest() {
        MopScheduler scheduler = new MopScheduler(table, Placement.replicated(2, PARTITIONS, 1), VisitPolicy.FREE, SEED);
        Trial trial = register(0);
        table.restore(trial, new TrialProgress(0, List.of(4, 1), 0, new byte[0]));
        table.grant(trial);
        scheduler.offer(trial);
        Set<Integer> rest = new HashSet<>();
        drain(scheduler, 2, 1).get(0).forEach(u -> rest.add(u.partition()));
        assertEquals(Set.of(0, 2, 3), rest);
        assertThrows(IllegalArgumentException.class,
            () -> table.restore(register(1), new TrialProgress(0, List.of(2, 2), 0, new byte[0])));
        assertThrows(IllegalArgumentException.class,
            () -> table.restore(register(2), new TrialProgress(0, List.of(0, 1, 2, 3, 4), 0, new byte[0])));
        assertThrows(IllegalStateException.class,
            () -> table.restore(register(5), new TrialProgress(1, List.of(), 0, new byte[0])), "at another epoch");
    }

    @Test
    void taskParallelismKeepsEachTrialsEpochOnOneWorkerInItsFixedOrder() {
        TaskParallelScheduler scheduler = new TaskParallelScheduler(table, 3);
        for (int t = 0; t < 7; t++) {
            Trial trial = register(t);
            table.grant(trial);
            scheduler.offer(trial);
        }
        Trial late = register(7);
        table.restore(late, new TrialProgress(0, List.of(VisitOrder.of(SEED, 7, 1, PARTITIONS).get(0)), 0, new byte[0]));
        table.grant(late);
        scheduler.offer(late);
        Map<Integer, List<Unit>> byTrial = drain(scheduler, 3, 2);
        for (int t = 0; t < 7; t++) {
            List<Unit> units = byTrial.get(t);
            assertEquals(2 * PARTITIONS, units.size(), "trial " + t);
            for (int e = 0; e < 2; e++) {
                List<Unit> epoch = units.subList(e * PARTITIONS, (e + 1) * PARTITIONS);
                assertEquals(VisitOrder.of(SEED, t, e + 1, PARTITIONS), epoch.stream().map(Unit::partition).toList());
                assertEquals(1, epoch.stream().map(Unit::worker).distinct().count(), "no hop within an epoch: " + epoch);
                assertEquals(e + 1, epoch.get(0).epoch(), "epochs are 1-based");
            }
        }
        List<Unit> lateUnits = byTrial.get(7);
        assertEquals(VisitOrder.of(SEED, 7, 1, PARTITIONS).subList(1, PARTITIONS),
            lateUnits.subList(0, PARTITIONS - 1).stream().map(Unit::partition).toList());
    }

    @Test
    void taskParallelismHandsALostUnitsTrialToTheNextFreeWorker() {
        TaskParallelScheduler scheduler = new TaskParallelScheduler(table, 2);
        Trial trial = register(0);
        table.grant(trial);
        scheduler.offer(trial);
        Unit first = scheduler.next(0);
        table.started(trial, 0, false);
        assertNull(scheduler.next(1), "one trial, one worker");
        table.unitLost(trial);
        scheduler.lost(first, trial);
        Unit again = scheduler.next(1);
        assertEquals(first.partition(), again.partition());
        assertEquals(1, again.worker());
        assertNull(scheduler.next(0), "its first worker no longer owns it");
    }

    @Test
    void theTableRefusesTransitionsTheLifecycleDoesNotHave() {
        Trial trial = register(0);
        assertThrows(IllegalStateException.class, () -> table.started(trial, 0, false), "idle: no unit to start");
        table.grant(trial);
        assertThrows(IllegalStateException.class, () -> table.pause(trial, TrialState.NONE), "queued: not pausable");
        table.fail(trial, "boom");
        assertThrows(IllegalStateException.class, () -> table.grant(trial), "failed is final");
        assertEquals("boom", trial.failure());
        assertThrows(IllegalStateException.class, () -> register(0), "registered once");
    }

    @Test
    void aWorkerServesTheLowestPriorityFirstAndPicksAtRandomAmongEquals() {
        Set<Integer> firstPicks = new HashSet<>();
        for (long seed = 1; seed <= 20; seed++) { // a uniform pick would run the order below by chance 1 in 12
            TrialTable trials = new TrialTable(PARTITIONS, seed);
            Placement placement = Placement.replicated(1, PARTITIONS, 1); // one worker holds every partition
            MopScheduler scheduler = new MopScheduler(trials, placement, VisitPolicy.FREE, seed);
            double[] priorities = {5, 2, 9, 2};
            for (int id = 0; id < priorities.length; id++) {
                Trial trial = trials.register(id, Config.of(Map.of("id", id)), id);
                trials.grant(trial, priorities[id]);
                scheduler.offer(trial);
            }
            Set<Integer> first = new HashSet<>();
            for (int round = 0; round < 2; round++) {
                Unit unit = scheduler.next(0);
                first.add(unit.trial());
                if (round == 0) {
                    firstPicks.add(unit.trial());
                }
                trials.started(trials.get(unit.trial()), 0, false); // withdrawn while it runs
            }
            assertEquals(Set.of(1, 3), first, "the two trials of priority 2 run before 5 and 9; seed " + seed);
            assertEquals(0, scheduler.next(0).trial(), "then priority 5; seed " + seed);
        }
        assertEquals(Set.of(1, 3), firstPicks, "either of the equals may go first");
    }

    @Test
    void aTrialOfferedTwiceOrWithdrawnIsCountedOnceAtItsPriorityOnEveryPartition() {
        TrialTable trials = new TrialTable(2, 3);
        MopScheduler scheduler = new MopScheduler(trials, Placement.onePerWorker(2), VisitPolicy.FREE, 3);
        Trial a = trials.register(0, Config.of(Map.of("id", 0)), 0);
        Trial b = trials.register(1, Config.of(Map.of("id", 1)), 1);
        trials.grant(a, 1);
        trials.grant(b, 3);
        scheduler.offer(a);
        scheduler.offer(a); // offered again: still one trial
        scheduler.offer(b);
        assertEquals(new Unit(0, 1, 0, 0), scheduler.next(0), "priority 1 first");
        assertEquals(new Unit(1, 1, 1, 1), scheduler.next(1), "trial 0 is withdrawn from both partitions");
        assertEquals(null, scheduler.next(0));
        scheduler.offer(a); // its unit was lost: eligible again, on both partitions
        assertEquals(new Unit(0, 1, 1, 1), scheduler.next(1));
        assertEquals(null, scheduler.next(0));
        assertEquals(null, scheduler.next(1));
    }

    /**
     * A scheduler for 2 workers holding both partitions that has learned worker 0 to be 3x as fast
     * as worker 1; trial 0 takes 0.3 s a unit on worker 0, trials 1 and 2 take 3 s.
     */
    private static MopScheduler learnedTwoSpeeds(TrialTable trials) {
        MopScheduler scheduler = new MopScheduler(trials, Placement.everywhere(2, 2), VisitPolicy.FIXED, 5);
        double[] work = {0.3, 3, 3, 1, 2};
        for (int round = 0; round < 3; round++) {
            for (int t = 0; t < work.length; t++) {
                scheduler.ran(new Unit(t, 1, 0, 0), work[t], 0);
                scheduler.ran(new Unit(t, 1, 0, 1), 3 * work[t], 0);
            }
        }
        return scheduler;
    }

    /**
     * Trial 0, the short one, alone in the queue: the fast worker takes it, counting the rest of its
     * epoch (2 units, 0.6 s) as the narrow tail does.
     */
    private static Unit shortTrialOnTheFastWorker(TrialTable trials, MopScheduler scheduler) {
        Trial shortTrial = queued(trials, scheduler, 0);
        Unit first = scheduler.next(0);
        assertEquals(0, first.trial());
        trials.started(shortTrial, 0, false);
        return first;
    }

    private static Trial queued(TrialTable trials, MopScheduler scheduler, int id) {
        Trial trial = trials.register(id, Config.of(Map.of("id", id)), id);
        trials.grant(trial);
        scheduler.offer(trial);
        return trial;
    }

    @Test
    void onWorkersOfDifferentSpeedsASlowWorkerLeavesALongUnitToAFastWorkerThatFinishesItSooner() {
        TrialTable trials = new TrialTable(2, 5);
        MopScheduler scheduler = learnedTwoSpeeds(trials);
        Unit first = shortTrialOnTheFastWorker(trials, scheduler);
        queued(trials, scheduler, 1);
        // worker 0 is done with trial 0's epoch by 0.6 s and then runs the 3 s unit by 3.6 s; worker 1
        // would need 9 s
        assertNull(scheduler.next(1), "the slow worker leaves the long unit to the fast one and waits");
        scheduler.ran(first, 0.3, 0.3);
        trials.unitDone(trials.get(0), first.partition(), 0, TrialState.NONE);
        assertEquals(1, scheduler.next(0).trial(), "the fast worker takes it when its unit ends");
    }

    @Test
    void onWorkersOfDifferentSpeedsASlowWorkerStillWorksWhenThereIsWorkForEveryWorker() {
        TrialTable trials = new TrialTable(2, 5);
        MopScheduler scheduler = learnedTwoSpeeds(trials);
        Unit first = shortTrialOnTheFastWorker(trials, scheduler);
        queued(trials, scheduler, 1);
        queued(trials, scheduler, 2);
        queued(trials, scheduler, 3);
        // the fast worker finishes trial 0's epoch (0.6 s), then trial 1's 3 s unit (by 3.6 s), then
        // trial 2's (by 6.6 s), each before the slow worker would (9 s): it leaves those two and takes
        // trial 3, 1 s on the fast worker but only reached after 6.6 s there, 3 s here
        Unit unit = scheduler.next(1);
        assertEquals(new Unit(3, 1, unit.partition(), 1), unit, "the slow worker takes what the fast one reaches last");
        scheduler.ran(first, 0.3, 0.3);
        trials.unitDone(trials.get(0), first.partition(), 0, TrialState.NONE);
        assertEquals(1, scheduler.next(0).trial(), "the fast worker takes the longest next");

        // with every unit better left to the fast worker and still a unit for each worker, the slow
        // one takes the last it went through rather than idle
        TrialTable two = new TrialTable(2, 5);
        MopScheduler plentiful = learnedTwoSpeeds(two);
        Trial busy = queued(two, plentiful, 0);
        assertEquals(0, plentiful.next(0).trial());
        two.started(busy, 0, false);
        queued(two, plentiful, 1);
        queued(two, plentiful, 2);
        assertEquals(2, plentiful.next(1).trial(), "the last unit considered: the fast worker's next slot keeps the first");
    }

    @Test
    void idleWorkersAreAskedFastestFirstOnceSpeedsDiffer() {
        int[] idle = {0, 1};
        MopScheduler equal = new MopScheduler(new TrialTable(2, 5), Placement.everywhere(2, 2), VisitPolicy.FIXED, 5);
        for (int t = 0; t < 4; t++) {
            equal.ran(new Unit(t, 1, 0, 0), 1 + t, 0);
            equal.ran(new Unit(t, 1, 0, 1), 1.1 * (1 + t), 0);
        }
        equal.orderIdle(idle, 2);
        assertArrayEquals(new int[] {0, 1}, idle, "speeds within 1.5x: in index order");

        TrialTable trials = new TrialTable(2, 5);
        MopScheduler scheduler = new MopScheduler(trials, Placement.everywhere(2, 2), VisitPolicy.FIXED, 5);
        for (int round = 0; round < 3; round++) {
            for (int t = 0; t < 3; t++) { // worker 1 is 3x as fast as worker 0
                scheduler.ran(new Unit(t, 1, 0, 0), 3 * (1 + t), 0);
                scheduler.ran(new Unit(t, 1, 0, 1), 1 + t, 0);
            }
        }
        scheduler.orderIdle(idle, 2);
        assertArrayEquals(new int[] {1, 0}, idle, "the fast worker is asked first");
        // both idle with one long unit waiting: asked in index order the slow worker would take it
        queued(trials, scheduler, 2);
        assertEquals(new Unit(2, 1, trials.get(2).nextInOrder(), 1), scheduler.next(idle[0]));
        assertNull(scheduler.next(idle[1]));
    }

    @Test
    void taskParallelismGivesAFreeWorkerTheLowestPriorityThenTheFirstQueued() {
        TaskParallelScheduler scheduler = new TaskParallelScheduler(table, 1);
        double[] priorities = {5, 2, 9, 2};
        for (int id = 0; id < priorities.length; id++) {
            Trial trial = register(id);
            table.grant(trial, priorities[id]);
            scheduler.offer(trial);
        }
        List<Integer> order = new ArrayList<>();
        for (int round = 0; round < priorities.length; round++) {
            Unit unit = scheduler.next(0);
            order.add(unit.trial());
            Trial trial = table.get(unit.trial());
            scheduler.withdraw(trial); // the trial's epoch is over: the worker is free for the next
        }
        assertEquals(List.of(1, 3, 0, 2), order, "priority 2 (queued first, then second), 5, 9");
    }
}
