package org.cerebro.exec;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Phaser;
import org.cerebro.data.Dataset;
import org.cerebro.train.DataSpec;
import org.cerebro.train.GradientStep;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * One data-parallel epoch of one trial on {@code k} threads of this process, the ranks: rank 0
 * brings the trial's state, the others restore replicas of it; then, step by step
 * ({@link DataParallelSteps}), each rank adds up the gradient of its share of the batch into its
 * own buffer, the buffers are summed in shared memory (rank {@code r} sums slice {@code r} of
 * every buffer, in rank order, so every replica gets the same bits), and every replica applies
 * the sum. After the last step rank 0 finishes the unit as {@link UnitRunner} finishes any unit
 * (evaluation, serialisation, checkpoint) and returns its result; the other replicas are closed.
 *
 * <p>Buffers are allocated once per epoch, not per step; a step costs two barrier crossings.
 * A rank whose code throws terminates the barrier, so every rank stops and the trial fails (an
 * {@link Error} is fatal, as in any unit); a non-finite loss in any rank's share stops every rank
 * before that step's update, so the trial fails with its last good state.
 *
 * <p>Thread-safe in the one way it is used: each rank calls {@link #run} once, on its own thread.
 */
public final class DataParallelGroup {
    private final UnitWork work;
    private final DataSpec data;
    private final Dataset validation;
    private final UnitJournal journal;
    private final boolean asBytes;
    private final int[] localSizes;
    private final int ranks;
    private final Phaser barrier;
    private final float[][] gradients;
    private final double[] stepLoss;
    private final double[] epochLoss;
    private float[] sum;
    private byte[] seed;
    private int batch;
    private volatile String failure;
    private volatile Error fatal;

    /**
     * @param work       the trial's epoch (its state is rank 0's to bring)
     * @param localSizes each rank's records
     * @param asBytes    return the state as bytes (a worker in another process) rather than live
     */
    public DataParallelGroup(UnitWork work, DataSpec data, Dataset validation, UnitJournal journal, int[] localSizes,
                             boolean asBytes) {
        this.work = work;
        this.data = data;
        this.validation = validation;
        this.journal = journal;
        this.asBytes = asBytes;
        this.localSizes = localSizes.clone();
        this.ranks = localSizes.length;
        this.barrier = new Phaser(ranks);
        this.gradients = new float[ranks][];
        this.stepLoss = new double[ranks];
        this.epochLoss = new double[ranks];
    }

    /** The number of ranks. */
    public int ranks() {
        return ranks;
    }

    /**
     * Runs rank {@code rank}'s part on the calling thread with its own {@code trainable} (bound
     * to its device) over its own records {@code local} (datasets read one after another).
     *
     * @return the unit's result on rank 0, null on the others
     */
    public UnitResult run(int rank, Trainable trainable, List<Dataset> local) {
        long start = System.nanoTime();
        TrainableState state = null;
        boolean stopped = false;
        try {
            if (rank == 0) {
                state = UnitRunner.open(trainable, data, work);
                GradientStep step = gradientStep(state, trainable);
                batch = step.batchSize();
                sum = new float[step.gradientLength()];
                if (ranks > 1) {
                    seed = state.toBytes();
                }
            }
            await(); // rank 0's state is ready
            if (rank > 0) {
                state = trainable.restore(work.config(), data, seed);
            }
            GradientStep step = gradientStep(state, trainable);
            if (step.gradientLength() != sum.length) {
                throw new IllegalStateException("rank " + rank + "'s replica has " + step.gradientLength()
                    + " gradient floats, rank 0's " + sum.length);
            }
            float[] gradient = new float[sum.length];
            gradients[rank] = gradient;
            await(); // every replica is ready
            int from = (int) ((long) sum.length * rank / ranks);
            int to = (int) ((long) sum.length * (rank + 1) / ranks);
            AllReduce shared = (own, loss) -> { // own is gradients[rank], registered above
                stepLoss[rank] = loss;
                await(); // every share's gradient is summed
                if (!allFinite(stepLoss)) {
                    return null; // every rank sees the same losses: all stop before this step's update
                }
                for (int i = from; i < to; i++) {
                    float total = gradients[0][i];
                    for (int r = 1; r < ranks; r++) {
                        total += gradients[r][i];
                    }
                    sum[i] = total;
                }
                await(); // the sum is complete
                return sum;
            };
            double mine = train(step, rank, localSizes, local, gradient, shared);
            stopped = Double.isNaN(mine);
            epochLoss[rank] = stopped ? Double.NaN : mine;
            await(); // every replica has applied its last step
        } catch (Aborted e) {
            return rank == 0 ? broken(state, start) : closeReplica(state);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("shared-memory all-reduce cannot fail", e);
        } catch (RuntimeException e) {
            failure = "rank " + rank + " of a data-parallel epoch: " + UnitRunner.describe(e);
            barrier.forceTermination(); // every rank's wait, now or later, returns at once
            return rank == 0 ? broken(state, start) : closeReplica(state);
        } catch (Error e) {
            fatal = e;
            barrier.forceTermination();
            return rank == 0 ? broken(state, start) : closeReplica(state);
        }
        if (rank != 0) {
            return closeReplica(state);
        }
        double lossSum = 0;
        long records = 0;
        for (int r = 0; r < ranks; r++) {
            lossSum += epochLoss[r];
            records += localSizes[r];
        }
        return UnitRunner.finish(state, lossSum / records, "the " + ranks + " ranks' partitions", work, validation,
            journal, asBytes, start);
    }

    /**
     * One rank's epoch: for every step ({@link DataParallelSteps} over {@code localSizes}), adds
     * the gradient of its share of {@code local} into {@code gradient}, sums it over the ranks
     * with {@code reduce}, and applies the sum.
     *
     * @return this rank's loss sum over the epoch, or NaN when a rank's loss was not finite (then
     *         the step that saw it was not applied)
     * @throws IOException when the all-reduce fails
     */
    public static double train(GradientStep step, int rank, int[] localSizes, List<Dataset> local, float[] gradient,
                               AllReduce reduce) throws java.io.IOException {
        DataParallelSteps steps = new DataParallelSteps(localSizes, step.batchSize());
        double mine = 0;
        while (steps.next()) {
            Arrays.fill(gradient, 0f);
            double loss = accumulate(step, local, steps.offset(rank), steps.count(rank), gradient);
            float[] total = reduce.sum(gradient, loss);
            if (total == null) {
                return Double.NaN;
            }
            mine += loss;
            step.apply(total, steps.records());
        }
        return mine;
    }

    /**
     * What rank 0 does after the epoch, whoever ran it (threads here, or worker processes): fails
     * the trial on a non-finite loss, evaluates, serialises and checkpoints as any unit does.
     *
     * @param lossSum the loss over every rank's records, summed (NaN when a step was stopped)
     * @param records the records of every rank
     */
    public static UnitResult finish(TrainableState state, double lossSum, long records, int ranks, UnitWork work,
                                    Dataset validation, UnitJournal journal, boolean asBytes, long start) {
        return UnitRunner.finish(state, lossSum / records, "the " + ranks + " ranks' partitions", work, validation,
            journal, asBytes, start);
    }

    /** A rank's replica as a {@link GradientStep}, or why it cannot be one. */
    public static GradientStep gradientStep(TrainableState state, Trainable trainable) {
        if (state instanceof GradientStep step) {
            return step;
        }
        throw new IllegalStateException("trainable " + trainable.name() + " made a state (" + state.getClass().getName()
            + ") that does not implement GradientStep: it cannot train data-parallel");
    }

    /** Adds the gradient of {@code count} of this rank's records from {@code offset}, across its datasets. */
    private static double accumulate(GradientStep step, List<Dataset> local, int offset, int count, float[] gradient) {
        double loss = 0;
        int skip = offset;
        int left = count;
        for (Dataset part : local) {
            if (left == 0) {
                break;
            }
            if (skip >= part.size()) {
                skip -= part.size();
                continue;
            }
            int n = Math.min(left, part.size() - skip);
            loss += step.accumulate(part, skip, skip + n, gradient);
            left -= n;
            skip = 0;
        }
        return loss;
    }

    private static boolean allFinite(double[] values) {
        for (double value : values) {
            if (!Double.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    /** Waits for every rank; throws when a rank has failed (the phaser is terminated). */
    private void await() {
        if (barrier.arriveAndAwaitAdvance() < 0) {
            throw new Aborted();
        }
    }

    /** Another rank failed: this one stops. */
    private static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Aborted() {
            super(null, null, false, false);
        }
    }

    /** Rank 0's result when the epoch did not complete: fatal, or the trial fails with why. */
    private UnitResult broken(TrainableState state, long start) {
        if (fatal != null) {
            UnitRunner.close(state);
            return UnitResult.fatal(fatal, start, System.nanoTime());
        }
        String why = failure != null ? failure : "a data-parallel epoch was interrupted";
        return UnitRunner.failed(state, why, start);
    }

    private static UnitResult closeReplica(TrainableState state) {
        if (state != null) {
            UnitRunner.close(state);
        }
        return null;
    }
}
