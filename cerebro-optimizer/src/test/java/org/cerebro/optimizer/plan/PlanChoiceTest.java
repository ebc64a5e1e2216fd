package org.cerebro.optimizer.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cerebro.plan.Candidate;
import org.cerebro.plan.DataParallelProfile;
import org.cerebro.plan.ModelProfile;
import org.cerebro.plan.Operator;
import org.cerebro.plan.PhysicalPlan;
import org.cerebro.plan.PlanningInput;
import org.junit.jupiter.api.Test;

/** Plan choice in the situations the design names, and what EXPLAIN says about each. */
class PlanChoiceTest {
    private static final long GB = 1_000_000_000L;
    private static final long MB = 1_000_000L;

    private static PlanningInput input(List<Integer> epochs, long records, long dataBytes, int workers, long memory,
                                       double secondsPerSample, long stateBytes, double bandwidth) {
        return input(epochs, records, dataBytes, workers, memory, secondsPerSample, stateBytes, bandwidth,
            DataParallelProfile.unavailable("synthetic: not measured"));
    }

    private static PlanningInput input(List<Integer> epochs, long records, long dataBytes, int workers, long memory,
                                       double secondsPerSample, long stateBytes, double bandwidth,
                                       DataParallelProfile dataParallel) {
        ModelProfile profile = new ModelProfile("test-model", secondsPerSample, secondsPerSample / 3, stateBytes,
            Instant.parse("2026-11-21T12:00:00Z"), "synthetic");
        return new PlanningInput(epochs, records, records / 10, dataBytes, 256, workers, workers, 1, "cpu", memory, bandwidth,
            "synthetic", profile, dataParallel);
    }

    /** A measured data-parallel profile with speed-up {@code speedup} on {@code workers}. */
    private static DataParallelProfile scaling(int workers, double speedup) {
        return new DataParallelProfile(true, workers, 1e-4 / speedup, 1e-4, 2e-5, "synthetic");
    }

    private static void assertMentions(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), "EXPLAIN lacks [" + part + "]:\n" + text);
        }
    }

    @Test
    void dataTooLargePerWorkerMakesTaskParallelismInfeasible() {
        PhysicalPlan plan = CostBasedPlanner.choose(input(Collections.nCopies(40, 10), 100_000_000, 200 * GB, 8, 64 * GB,
            1e-5, 100 * MB, 1.25 * GB));
        Candidate task = plan.candidates().stream().filter(c -> c.operator() == Operator.TASK_PARALLEL).findFirst()
            .orElseThrow();
        assertFalse(task.feasible());
        assertNotEquals(Operator.TASK_PARALLEL, plan.chosen());
        assertEquals(Operator.MOP, plan.chosen());
        assertMentions(plan.explain(), "TASK_PARALLEL", "rejected: infeasible, needs 200.2 GB per worker, has 64.0 GB",
            "CHOSEN: fastest feasible plan", "1 infeasible (memory)");
    }

    @Test
    void fewerTrialsThanHalfTheWorkersChooseDataParallelism() {
        PhysicalPlan plan = CostBasedPlanner.choose(input(List.of(10, 10), 1_000_000, 10 * GB, 16, 64 * GB, 1e-4,
            50 * MB, 1.25 * GB, scaling(16, 14)));
        assertEquals(Operator.DATA_PARALLEL, plan.chosen(), plan.explain());
        assertMentions(plan.explain(), "2 trial(s) for 16 workers (at most p/2 = 8)", "MOP would leave workers idle",
            "measured speed-up 14.00x", "rejected:", "data parallel: 14.00x on 16 workers");
        // an executor that runs MOP only falls back, and EXPLAIN says so
        assertMentions(plan.executedAs(Operator.MOP, "executor local 16xcpu runs [MOP] only so far").explain(),
            "executed as: MOP (executor local 16xcpu runs [MOP] only so far)");
    }

    @Test
    void aStageThatNarrowsChoosesTheHybrid() {
        // ASHA-like: 64 trials for 1 epoch, 16 of them to 3 epochs, 2 to 9 epochs, on 16 workers
        List<Integer> epochs = new ArrayList<>(Collections.nCopies(48, 1));
        epochs.addAll(Collections.nCopies(14, 3));
        epochs.addAll(Collections.nCopies(2, 9));
        PhysicalPlan plan = CostBasedPlanner.choose(input(epochs, 1_000_000, 10 * GB, 16, 64 * GB, 1e-4, 50 * MB,
            1.25 * GB, scaling(16, 14)));
        assertEquals(Operator.HYBRID, plan.chosen(), plan.explain());
        assertMentions(plan.explain(), "narrows to 2 trial(s) for 16 workers (at most p/2 = 8)", "MOP while wide");
    }

    @Test
    void dataParallelismThatDoesNotPayIsNotChosenAndExplainSaysWhyWithTheNumbers() {
        List<Integer> epochs = new ArrayList<>(Collections.nCopies(6, 1));
        epochs.addAll(Collections.nCopies(2, 3));
        epochs.add(9);
        // a small model on 2 cores: two ranks are slower than one
        PhysicalPlan slow = CostBasedPlanner.choose(input(epochs, 60_000, 200 * MB, 2, 8 * GB, 2e-5, 1 * MB, 5 * GB,
            scaling(2, 0.8)));
        assertTrue(slow.chosen() != Operator.HYBRID && slow.chosen() != Operator.DATA_PARALLEL, slow.explain());
        assertMentions(slow.explain(), "data parallel: 0.80x on 2 workers", "HYBRID", "rejected:");
        // the same search with a model that scales takes the hybrid
        PhysicalPlan fast = CostBasedPlanner.choose(input(epochs, 60_000, 200 * MB, 2, 8 * GB, 2e-5, 1 * MB, 5 * GB,
            scaling(2, 1.9)));
        assertEquals(Operator.HYBRID, fast.chosen(), fast.explain());
        // and one that cannot train data-parallel never gets those plans
        PhysicalPlan none = CostBasedPlanner.choose(input(epochs, 60_000, 200 * MB, 2, 8 * GB, 2e-5, 1 * MB, 5 * GB,
            DataParallelProfile.unavailable("trainable t does not train data-parallel (Trainable.dataParallel())")));
        assertTrue(none.chosen() != Operator.HYBRID && none.chosen() != Operator.DATA_PARALLEL, none.explain());
        assertMentions(none.explain(), "data parallel: not considered: trainable t does not train data-parallel");
        assertTrue(none.candidates().stream().noneMatch(c -> c.operator() == Operator.HYBRID));
    }

    @Test
    void manySmallTrialsChooseMop() {
        PhysicalPlan plan = CostBasedPlanner.choose(input(Collections.nCopies(200, 5), 60_000, 200 * MB, 8, 8 * GB, 2e-5,
            1 * MB, 5 * GB));
        assertEquals(Operator.MOP, plan.chosen(), plan.explain());
        assertMentions(plan.explain(), "200 trials keep 8 worker(s) busy", "inputs: profile [test-model]", "synthetic",
            "placement: 8 partition(s) over 8 worker(s), each partition on 1 worker");
        Candidate mop = plan.chosenCandidate();
        assertEquals((5L * 200 * 8 + 200) * MB, mop.bytesMoved(), "k m p |S| + m |S|");
        assertEquals(200 * MB / 8 + 2 * MB, mop.memoryPerWorker(), "D/p + 2m");
    }

    @Test
    void theEstimatesFollowThePapersCommunicationFormulas() {
        // the VLDB paper's example: k=20, |S|=20, p=10, m=1 GB, D=1 TB, |D|/b = 100K mini-batches
        PlanningInput in = new PlanningInput(Collections.nCopies(20, 20), 25_600_000, 10_000, 1000 * GB, 256, 10, 10, 1, "gpu",
            100_000 * GB, 1.25 * GB, "10 Gbps",
            new ModelProfile("paper", 1e-3, 3e-4, GB, Instant.EPOCH, "synthetic"));
        List<Candidate> candidates = CostModel.estimate(in);
        long mop = candidates.get(0).bytesMoved();
        long task = candidates.get(1).bytesMoved();
        long dp = candidates.get(2).bytesMoved();
        assertEquals(4 * 1000 * GB + 20 * GB, mop, "MOP: k m p |S| + m |S| = 4 TB");
        assertEquals(10 * 1000 * GB + 20 * GB, task, "task parallel with full replication: p D + m |S| = 10 TB");
        // all-reduce: 2 k m (p-1) |S| ceil(|D| / (b p)) = 2*20*1GB*9*20*10,000 = 72 PB
        assertEquals(72_000_000 * GB + 20 * GB, dp);
    }
}
