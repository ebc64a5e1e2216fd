package org.cerebro.optimizer.schedule;

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
import org.cerebro.exec.VisitOrder;
import org.junit.jupiter.api.Test;

/** Trials resumed mid-epoch, and task parallelism, keep every trial's fixed visit order. */
class EpochSchedulerTest {
    private static final int PARTITIONS = 5;
    private static final long SEED = 11;

    /** Drives {@code scheduler} to the end, workers taking turns; returns each trial's units in order. */
    private static Map<Integer, List<Unit>> drain(EpochScheduler scheduler, int workers) {
        Map<Integer, List<Unit>> byTrial = new HashMap<>();
        Unit[] running = new Unit[workers];
        while (!scheduler.isDone()) {
            boolean progressed = false;
            for (int w = 0; w < workers; w++) {
                if (running[w] == null) {
                    running[w] = scheduler.next(w);
                }
            }
            for (int w = 0; w < workers; w++) {
                if (running[w] != null) {
                    for (int other = 0; other < workers; other++) {
                        assertTrue(other == w || running[other] == null
                            || running[other].trial() != running[w].trial(), "a trial on two workers");
                    }
                    byTrial.computeIfAbsent(running[w].trial(), t -> new ArrayList<>()).add(running[w]);
                    scheduler.completeUnit(running[w]);
                    running[w] = null;
                    progressed = true;
                }
            }
            assertTrue(progressed, "no worker got a unit while epochs are outstanding");
        }
        return byTrial;
    }

    @Test
    void aTrialAdmittedMidEpochGoesOnInItsFixedOrder() {
        List<Integer> order = VisitOrder.of(SEED, 3, 2, PARTITIONS);
        MopScheduler scheduler = new MopScheduler(Placement.replicated(2, PARTITIONS, 1), MopScheduler.VisitPolicy.FIXED,
            SEED);
        scheduler.admit(3, 1, order.subList(0, 2));
        scheduler.grant(3, 3);
        List<Unit> units = drain(scheduler, 2).get(3);
        List<Integer> visited = units.stream().map(Unit::partition).toList();
        List<Integer> expected = new ArrayList<>(order.subList(2, PARTITIONS));
        expected.addAll(VisitOrder.of(SEED, 3, 3, PARTITIONS));
        assertEquals(expected, visited);
        assertEquals(3, scheduler.epochsDone(3));
    }

    @Test
    void freeOrderAdmittedMidEpochVisitsOnlyTheRest() {
        MopScheduler scheduler = new MopScheduler(Placement.replicated(2, PARTITIONS, 1), MopScheduler.VisitPolicy.FREE,
            SEED);
        scheduler.admit(0, 0, List.of(4, 1));
        scheduler.grant(0, 1);
        Set<Integer> rest = new HashSet<>();
        drain(scheduler, 2).get(0).forEach(u -> rest.add(u.partition()));
        assertEquals(Set.of(0, 2, 3), rest);
        assertThrows(IllegalArgumentException.class, () -> scheduler.admit(1, 0, List.of(2, 2)));
        assertThrows(IllegalArgumentException.class, () -> scheduler.admit(2, 0, List.of(0, 1, 2, 3, 4)));
    }

    @Test
    void taskParallelismKeepsEachTrialsEpochOnOneWorkerInItsFixedOrder() {
        TaskParallelScheduler scheduler = new TaskParallelScheduler(3, PARTITIONS, SEED);
        for (int t = 0; t < 7; t++) {
            scheduler.grant(t, 2);
        }
        scheduler.admit(7, 0, List.of(VisitOrder.of(SEED, 7, 1, PARTITIONS).get(0)));
        scheduler.grant(7, 1);
        Map<Integer, List<Unit>> byTrial = drain(scheduler, 3);
        for (int t = 0; t < 7; t++) {
            List<Unit> units = byTrial.get(t);
            assertEquals(2 * PARTITIONS, units.size(), "trial " + t);
            for (int e = 0; e < 2; e++) {
                List<Unit> epoch = units.subList(e * PARTITIONS, (e + 1) * PARTITIONS);
                assertEquals(VisitOrder.of(SEED, t, e + 1, PARTITIONS), epoch.stream().map(Unit::partition).toList());
                assertEquals(1, epoch.stream().map(Unit::worker).distinct().count(), "no hop within an epoch: " + epoch);
            }
        }
        assertEquals(VisitOrder.of(SEED, 7, 1, PARTITIONS).subList(1, PARTITIONS),
            byTrial.get(7).stream().map(Unit::partition).toList());
    }

    @Test
    void taskParallelismHandsALostUnitsTrialToTheNextFreeWorker() {
        TaskParallelScheduler scheduler = new TaskParallelScheduler(2, PARTITIONS, SEED);
        scheduler.grant(0, 1);
        Unit first = scheduler.next(0);
        assertNull(scheduler.next(1), "one trial, one worker");
        scheduler.lost(first);
        Unit again = scheduler.next(1);
        assertEquals(first.partition(), again.partition());
        assertEquals(1, again.worker());
        assertThrows(IllegalStateException.class, () -> scheduler.retire(0), "retired while its unit runs");
        assertThrows(IllegalStateException.class, () -> scheduler.completeUnit(first), "the lost unit is not running");
        scheduler.completeUnit(again);
        scheduler.retire(0);
        assertTrue(scheduler.isDone());
        assertNull(scheduler.next(0));
    }
}
