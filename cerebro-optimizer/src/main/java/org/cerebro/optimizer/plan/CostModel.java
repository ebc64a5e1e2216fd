package org.cerebro.optimizer.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.cerebro.optimizer.schedule.Cluster;
import org.cerebro.optimizer.schedule.LptScheduler;
import org.cerebro.optimizer.schedule.Workload;
import org.cerebro.plan.Candidate;
import org.cerebro.plan.DataParallelProfile;
import org.cerebro.plan.Operator;
import org.cerebro.plan.PlanningInput;

/**
 * Estimates each operator's makespan, peak memory per worker and bytes moved for a stage, from a
 * measured profile. With {@code W} = seconds of one epoch over all the data on one worker,
 * {@code V} = seconds of one evaluation, {@code m} = state bytes, {@code h = m / bandwidth},
 * {@code p} workers and {@code a_j} trials still training at epoch level {@code j}:
 * <ul>
 *   <li>MOP: {@code e * max(k |S| (W/p + h + V/p), sum_j max(a_j (W/p + h), W + p h) + ceil(a_j/p) V)}:
 *       the lower bound, or the epoch levels one after another when the stage narrows (a level with
 *       fewer trials than workers leaves workers idle, as a trial trains on one worker at a time),
 *       times the randomized scheduler's simulated efficiency {@code e} ({@link #mopEfficiency}); moves
 *       {@code k m p |S| + m |S|} bytes; holds {@code D/p + 2m} (the trial in training and the
 *       next one, prefetched);</li>
 *   <li>task parallel: LPT over whole trials plus copying the data to every worker; moves
 *       {@code p D + m |S|}; holds {@code D + 2m};</li>
 *   <li>data parallel: trials one after another on all workers, each epoch taking
 *       {@code W / s}, the one-worker epoch over the speed-up {@code s} <b>measured</b> for this
 *       model on these workers ({@link DataParallelProfile}: it includes the all-reduce, the
 *       barriers and the smaller per-worker batches), plus one evaluation on one worker; moves
 *       {@code 2 k m (p-1) |S| ceil(|D|/(b p))} (a ring all-reduce per step); holds
 *       {@code D/p + 2m}; not a candidate when the trainable or the executor cannot run it;</li>
 *   <li>hybrid: MOP on levels where {@code 2 a_j > p}, data parallel on the narrower tail (the
 *       rule the runtime switches by); a candidate only when the stage has both.</li>
 * </ul>
 * These are the VLDB 2020 paper's communication formulas (Table 2, with its errata).
 */
public final class CostModel {
    /**
     * Makespan over the lower bound of the MOP randomized scheduler: 1 on one worker, else
     * {@code 1 + 0.1 p / max(|S|, p)}, which follows the simulator (1.05 at 16 trials on 8 workers,
     * about 1.01 with hundreds of trials; BENCHMARKS.md).
     */
    static double mopEfficiency(int trials, int workers) {
        return workers == 1 ? 1.0 : 1.0 + 0.1 * workers / Math.max(trials, workers);
    }

    private CostModel() {
    }

    /** The estimates of every operator for {@code in}. */
    public static List<Candidate> estimate(PlanningInput in) {
        int p = in.workers();
        double w = in.records() * in.profile().secondsPerSample();
        double v = in.validationRecords() * in.profile().evalSecondsPerSample();
        long m = in.profile().stateBytes();
        long d = in.dataBytes();
        double bw = in.bandwidthBytesPerSecond();
        double hop = p == 1 ? 0 : m / bw; // one worker: a trial never moves
        long batchesPerWorker = (long) Math.ceil((double) in.records() / ((long) in.batchSize() * p));
        int[] active = activePerLevel(in.epochsPerTrial());
        long trialEpochs = in.epochsPerTrial().stream().mapToLong(Integer::longValue).sum();

        DataParallelProfile dp = in.dataParallel();
        double dpEpoch = dp.available() ? w / dp.speedup() : Double.NaN;
        double dataParallel = 0;
        double hybrid = 0;
        long hybridBytes = 0;
        boolean anyWide = false;
        boolean anyNarrow = false;
        double mopLevels = 0;
        for (int a : active) {
            double mopLevel = Math.max(a * (w / p + hop), w + p * hop) + Math.ceil((double) a / p) * v;
            mopLevels += mopLevel;
            double dpLevel = a * (dpEpoch + v);
            dataParallel += dpLevel;
            boolean wide = 2 * a > p;
            anyWide |= wide;
            anyNarrow |= !wide;
            hybrid += wide ? mopLevel : dpLevel;
            hybridBytes += wide ? (long) a * m * p : (long) a * 2 * m * (p - 1) * batchesPerWorker;
        }
        // MOP: the lower bound, or the levels one after another when the stage narrows (a level of
        // fewer trials than workers leaves workers idle: a trial trains on one worker at a time),
        // times the randomized scheduler's simulated efficiency
        double mop = mopEfficiency(in.trials(), p) * Math.max(trialEpochs * (w / p + hop + v / p), mopLevels);
        long trials = in.trials();
        long mopBytes = trialEpochs * m * p + m * trials;
        long dpBytes = 2 * trialEpochs * m * (p - 1) * batchesPerWorker + m * trials;
        long taskBytes = p * d + m * trials;
        double replicate = p == 1 ? 0 : (double) (p - 1) * d / bw;
        List<Workload.Trial> whole = new ArrayList<>();
        for (int epochs : in.epochsPerTrial()) {
            whole.add(new Workload.Trial(w + v, epochs, 0));
        }
        double task = LptScheduler.schedule(new Workload(whole), Cluster.homogeneous(p)).makespan() + replicate;

        long sharded = d / p + 2 * m;
        long full = d + 2 * m;
        List<Candidate> candidates = new ArrayList<>();
        candidates.add(candidate(Operator.MOP, mop, sharded, mopBytes, in, "model hops, data stays"));
        candidates.add(candidate(Operator.TASK_PARALLEL, task, full, taskBytes, in, "LPT over whole trials"));
        if (!dp.available()) {
            candidates.add(new Candidate(Operator.DATA_PARALLEL, Double.NaN, sharded, dpBytes, false, dp.note()));
        } else {
            candidates.add(candidate(Operator.DATA_PARALLEL, dataParallel, sharded, dpBytes, in, String.format(
                java.util.Locale.ROOT, "measured speed-up %.2fx on %d workers", dp.speedup(), dp.workers())));
            if (anyWide && anyNarrow) { // otherwise the hybrid is plain MOP or plain data parallelism
                candidates.add(candidate(Operator.HYBRID, hybrid, sharded, hybridBytes + m * trials, in,
                    "MOP while more than p/2 trials train, data parallel after"));
            }
        }
        return candidates;
    }

    private static Candidate candidate(Operator operator, double makespan, long memory, long bytes, PlanningInput in,
                                       String how) {
        boolean fits = memory <= in.memoryPerWorker();
        String note = fits ? how : "needs " + org.cerebro.plan.PhysicalPlan.bytes(memory) + " per worker, has "
            + org.cerebro.plan.PhysicalPlan.bytes(in.memoryPerWorker());
        return new Candidate(operator, makespan, memory, bytes, fits, note);
    }

    /** {@code a_j}: how many trials train at epoch level j = 1..max. */
    static int[] activePerLevel(List<Integer> epochsPerTrial) {
        List<Integer> sorted = new ArrayList<>(epochsPerTrial);
        sorted.sort(Comparator.reverseOrder());
        int levels = sorted.get(0);
        int[] active = new int[levels];
        for (int epochs : sorted) {
            for (int j = 0; j < epochs; j++) {
                active[j]++;
            }
        }
        return active;
    }
}
