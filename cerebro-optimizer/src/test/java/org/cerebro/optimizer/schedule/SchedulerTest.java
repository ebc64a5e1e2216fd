package org.cerebro.optimizer.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cerebro.exec.Placement;
import org.cerebro.exec.VisitPolicy;
import org.cerebro.runtime.Unit;
import org.cerebro.runtime.VisitOrder;
import org.junit.jupiter.api.Test;

/** Schedules satisfy MOP's invariants; MOP beats task parallelism where the paper says it does. */
class SchedulerTest {
    private static final double EPS = 1e-9;

    /** Fails unless the recorded schedule is a valid MOP schedule of the workload. */
    static void assertValid(ScheduleResult result, Workload workload, Placement placement, VisitPolicy policy,
                            long seed) {
        Map<String, Integer> runs = new HashMap<>();
        Map<Integer, List<ScheduleResult.Timed>> byTrial = new HashMap<>();
        Map<Integer, List<ScheduleResult.Timed>> byWorker = new HashMap<>();
        for (ScheduleResult.Timed timed : result.units()) {
            Unit u = timed.unit();
            runs.merge(u.trial() + "/" + u.epoch() + "/" + u.partition(), 1, Integer::sum);
            byTrial.computeIfAbsent(u.trial(), k -> new ArrayList<>()).add(timed);
            byWorker.computeIfAbsent(u.worker(), k -> new ArrayList<>()).add(timed);
            assertTrue(placement.holds(u.worker(), u.partition()), u + " ran on a worker without its partition");
        }
        int partitions = placement.partitions();
        for (int t = 0; t < workload.size(); t++) {
            for (int e = 1; e <= workload.trials().get(t).epochs(); e++) {
                for (int i = 0; i < partitions; i++) {
                    assertEquals(1, runs.getOrDefault(t + "/" + e + "/" + i, 0), "unit trial=" + t + " epoch=" + e
                        + " partition=" + i + " must run exactly once");
                }
            }
        }
        for (List<ScheduleResult.Timed> units : byWorker.values()) {
            units.sort(Comparator.comparingDouble(ScheduleResult.Timed::start));
            for (int k = 1; k < units.size(); k++) {
                assertTrue(units.get(k).start() >= units.get(k - 1).end() - EPS, "a worker ran two units at once");
            }
        }
        for (var entry : byTrial.entrySet()) {
            List<ScheduleResult.Timed> units = entry.getValue();
            units.sort(Comparator.comparingDouble(ScheduleResult.Timed::start));
            for (int k = 1; k < units.size(); k++) {
                assertTrue(units.get(k).start() >= units.get(k - 1).end() - EPS, "a trial was on two workers at once");
                assertTrue(units.get(k).unit().epoch() >= units.get(k - 1).unit().epoch(), "epochs finish in order");
            }
            if (policy == VisitPolicy.FIXED) {
                for (int e = 1; e <= workload.trials().get(entry.getKey()).epochs(); e++) {
                    int epoch = e;
                    List<Integer> visited = units.stream().filter(u -> u.unit().epoch() == epoch)
                        .map(u -> u.unit().partition()).toList();
                    assertEquals(VisitOrder.of(seed, entry.getKey(), e, partitions), visited, "fixed visit order");
                }
            }
        }
        assertTrue(result.makespan() >= result.lowerBound() - EPS, "makespan below the lower bound");
    }

    @Test
    void everySimulatedScheduleKeepsTheInvariants() {
        qt().withFixedSeed(5L).withExamples(150)
            .forAll(integers().between(1, 40), integers().between(1, 12), integers().between(1, 3), longs().all())
            .checkAssert((trials, workers, epochs, seed) -> {
                boolean heterogeneous = (seed & 1) == 1;
                Workload workload = heterogeneous ? Workload.heterogeneous(trials, epochs, 1.0, 0.01, seed)
                    : Workload.homogeneous(trials, 10.0, epochs, 0.1);
                Cluster cluster = heterogeneous ? Cluster.heterogeneous(workers, seed) : Cluster.homogeneous(workers);
                int replicas = 1 + (int) Math.floorMod(seed, Math.min(3, workers));
                Placement placement = Placement.replicated(workers, workers, replicas);
                for (VisitPolicy policy : VisitPolicy.values()) {
                    ScheduleResult result = new Simulator(workload, cluster, placement).run(policy, seed);
                    assertValid(result, workload, placement, policy, seed);
                }
            });
    }

    @Test
    void thePapersToyExampleMopTakesSevenWhereTaskParallelismTakesNine() {
        // 3 workers; one epoch of five trials costing 6, 6, 3, 3 and 3 time units.
        Workload workload = new Workload(List.of(new Workload.Trial(6, 1, 0), new Workload.Trial(6, 1, 0),
            new Workload.Trial(3, 1, 0), new Workload.Trial(3, 1, 0), new Workload.Trial(3, 1, 0)));
        Cluster cluster = Cluster.homogeneous(3);
        ScheduleResult taskParallel = LptScheduler.schedule(workload, cluster);
        assertEquals(9.0, taskParallel.makespan(), EPS, "whole trials cannot do better than {6,3} {6,3} {3}");
        assertEquals(7.0, cluster.lowerBound(workload), EPS);
        double best = Double.MAX_VALUE;
        for (long seed = 0; seed < 100; seed++) {
            Placement placement = Placement.onePerWorker(3);
            ScheduleResult mop = new Simulator(workload, cluster, placement).run(VisitPolicy.FREE, seed);
            assertTrue(mop.makespan() <= taskParallel.makespan() + EPS, "seed " + seed + ": MOP " + mop.makespan());
            best = Math.min(best, mop.makespan());
        }
        assertEquals(7.0, best, EPS, "MOP reaches the lower bound of 7");
    }

    @Test
    void aDeadWorkersUnitsRunAgainOnAReplica() {
        Workload workload = Workload.homogeneous(12, 8.0, 2, 0.05);
        Cluster cluster = Cluster.homogeneous(4);
        Placement placement = Placement.replicated(4, 4, 2);
        Simulator simulator = new Simulator(workload, cluster, placement).withDeaths(Map.of(1, 5.3));
        for (VisitPolicy policy : VisitPolicy.values()) {
            ScheduleResult result = simulator.run(policy, 3);
            assertValid(result, workload, placement, policy, 3);
            assertTrue(result.units().stream().noneMatch(u -> u.unit().worker() == 1 && u.end() > 5.3),
                "nothing completes on the dead worker after its death");
        }
        Placement unreplicated = Placement.onePerWorker(4);
        IllegalStateException stuck = assertThrows(IllegalStateException.class,
            () -> new Simulator(workload, cluster, unreplicated).withDeaths(Map.of(1, 5.3)).run(VisitPolicy.FREE, 3));
        assertTrue(stuck.getMessage().contains("no live worker holds the partitions"), stuck.getMessage());
    }

    @Test
    void onWorkersOfDifferentSpeedsTheFastestDyingMidRunLeavesNoUnitWaitingForIt() {
        // the speed-aware rule leaves units to faster workers and idles in the tail: once the fastest
        // worker (5, speed 1.37) and the next (7) die with the long trial under way, nothing may wait
        // for them, and the makespan stays that of the speeds left
        Workload workload = Workload.heterogeneous(16, 10, 10.0, 0.01 / 8, 42);
        Cluster cluster = Cluster.heterogeneous(8, 42);
        Placement placement = Placement.everywhere(8, 8);
        for (org.cerebro.plan.Operator operator : List.of(org.cerebro.plan.Operator.MOP,
            org.cerebro.plan.Operator.TASK_PARALLEL)) {
            ScheduleResult result = new Simulator(workload, cluster, placement).withDeaths(Map.of(5, 200.0, 7, 400.0))
                .run(operator, VisitPolicy.FIXED, 1);
            assertValid(result, workload, placement, VisitPolicy.FIXED, 1);
            assertTrue(result.units().stream().noneMatch(u -> u.unit().worker() == 5 && u.end() > 200.0
                || u.unit().worker() == 7 && u.end() > 400.0), "nothing completes on a dead worker; " + operator);
            // a lower bound: the long trial at best 200 s on the fastest, 200 s on the next, the rest on the
            // third (1.24): 960 s; all the work over the capacity left after each death: 985 s. Measured
            // 1.02x that under MOP, 1.23x under task parallelism (a lost unit re-runs; whole epochs)
            double longest = workload.trials().stream().mapToDouble(t -> t.epochSeconds() * t.epochs()).max().orElseThrow();
            double total = workload.trials().stream().mapToDouble(t -> t.epochSeconds() * t.epochs()).sum();
            double all = java.util.stream.IntStream.range(0, 8).mapToDouble(cluster::speed).sum();
            double afterFirst = all - cluster.speed(5);
            double afterSecond = afterFirst - cluster.speed(7);
            double capacity = 400 + (total - 200 * all - 200 * afterFirst) / afterSecond;
            double bound = Math.max(400 + (longest - 200 * cluster.speed(5) - 200 * cluster.speed(7)) / cluster.speed(0),
                capacity);
            assertTrue(result.makespan() < 1.3 * bound, operator + ": makespan " + result.makespan() + " against " + bound);
        }
    }

    @Test
    void theSameSeedGivesTheSameDecisions() {
        Workload workload = Workload.heterogeneous(30, 3, 1.0, 0.02, 9);
        Cluster cluster = Cluster.heterogeneous(6, 9);
        Placement placement = Placement.onePerWorker(6);
        ScheduleResult a = new Simulator(workload, cluster, placement).run(VisitPolicy.FREE, 1);
        ScheduleResult b = new Simulator(workload, cluster, placement).run(VisitPolicy.FREE, 1);
        assertEquals(a.units(), b.units());
        ScheduleResult c = new Simulator(workload, cluster, placement).run(VisitPolicy.FREE, 2);
        assertTrue(!a.units().equals(c.units()), "another seed, other decisions");
    }

    @Test
    void lptPutsTheLongestTrialsFirstOnTheEarliestFinishingWorker() {
        Workload workload = new Workload(List.of(new Workload.Trial(2, 1, 0), new Workload.Trial(5, 1, 0),
            new Workload.Trial(4, 1, 0)));
        ScheduleResult result = LptScheduler.schedule(workload, Cluster.of(1.0, 2.0));
        // longest first, each to the worker that finishes it earliest: 5 -> fast (2.5), 4 -> slow (4.0 beats
        // 2.5 + 2.0 = 4.5 on the fast one), 2 -> fast (2.5 + 1.0 = 3.5): makespan 4.0
        assertEquals(4.0, result.makespan(), EPS);
    }

    @Test
    void onWorkersOfDifferentSpeedsALongTrialStaysOnTheFastWorkerOnceTheirSpeedsAreLearned() {
        // one trial ten times the others', worker 0 three times as fast as the rest, every partition on
        // every worker: the bound is the long trial on the fast worker (400 / 1.5 = 266.7 s); with the
        // paper's random draws alone the makespan is 1.225x that, speed-aware 1.053x
        List<Workload.Trial> trials = new ArrayList<>();
        trials.add(new Workload.Trial(40, 10, 0));
        for (int i = 0; i < 6; i++) {
            trials.add(new Workload.Trial(4, 10, 0));
        }
        Workload workload = new Workload(trials);
        Cluster cluster = Cluster.of(1.5, 0.5, 0.5, 0.5);
        Placement placement = Placement.everywhere(4, 4);
        for (long seed = 1; seed <= 3; seed++) {
            ScheduleResult result = new Simulator(workload, cluster, placement).run(VisitPolicy.FIXED, seed);
            assertValid(result, workload, placement, VisitPolicy.FIXED, seed);
            long onFast = result.units().stream().filter(u -> u.unit().trial() == 0 && u.unit().worker() == 0).count();
            assertTrue(onFast >= 36, "the long trial ran " + onFast + " of its 40 units on the fast worker; seed " + seed);
            assertTrue(result.ratio() < 1.10, "makespan / bound " + result.ratio() + "; seed " + seed);
        }
    }

    @Test
    void onWorkersOfDifferentSpeedsTheLongestTrialKeepsTheFastestWorkerNotTheSecondFastest() {
        // the schedule table's heterogeneous 16 x 16 cell, every partition on every worker: the longest
        // trial sets the bound (on the fastest worker, speed 1.37; the next runs at 1.30). Comparing one
        // unit at a time left it mostly on the second (1.116-1.217x the bound over these seeds, and the
        // work-and-speed fit weighed by units drifted while it stayed there); counting the rest of its
        // epoch, the makespan is 1.049-1.098x, and 1.030-1.052x with idle workers asked fastest first
        Workload workload = Workload.heterogeneous(16, 10, 10.0, 0.01 / 16, 42);
        Cluster cluster = Cluster.heterogeneous(16, 42);
        Placement placement = Placement.everywhere(16, 16);
        double sum = 0;
        for (long seed = 0; seed < 5; seed++) {
            ScheduleResult result = new Simulator(workload, cluster, placement).run(VisitPolicy.FIXED, seed);
            assertValid(result, workload, placement, VisitPolicy.FIXED, seed);
            assertTrue(result.ratio() < 1.08, "makespan / bound " + result.ratio() + "; seed " + seed);
            sum += result.ratio();
        }
        assertTrue(sum / 5 < 1.06, "mean makespan / bound " + sum / 5);
        ScheduleResult taskParallel = new Simulator(workload, cluster, placement)
            .run(org.cerebro.plan.Operator.TASK_PARALLEL, VisitPolicy.FIXED, 0);
        assertTrue(taskParallel.ratio() < 1.10, "task-parallel makespan / bound " + taskParallel.ratio() + " (was 1.237)");
    }

    @Test
    void taskParallelismOnWorkersOfDifferentSpeedsTrainsTheLongestTrialsOnTheFastWorkers() {
        // the schedule table's heterogeneous 16 x 8 cell: costs 360-21,000 MFLOPs per sample, speeds
        // 0.5-1.5; LPT reaches the bound; the first-queued rule alone took 1.530x it, speed-aware 1.105x,
        // 1.023x once the speed fit weighed (worker, trial) pairs instead of units and a faster worker
        // had to save a tenth of a unit instead of a tenth of the time, 1.013x asking the fastest first
        Workload workload = Workload.heterogeneous(16, 10, 10.0, 0, 42);
        ScheduleResult result = new Simulator(workload, Cluster.heterogeneous(8, 42), Placement.everywhere(8, 8))
            .run(org.cerebro.plan.Operator.TASK_PARALLEL, VisitPolicy.FIXED, 0);
        assertTrue(result.ratio() < 1.05, "makespan / bound " + result.ratio());
    }
}
