package org.cerebro.exec.local;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import java.util.List;
import org.cerebro.data.Dataset;
import org.cerebro.exec.DataParallelGroup;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitRunner;
import org.cerebro.exec.UnitWork;
import org.cerebro.train.Trainable;

/**
 * One device's worker: takes units from its dispatch ring, runs each with {@link UnitRunner} (or
 * its rank of a data-parallel epoch, with the other workers of it, {@link DataParallelGroup})
 * (which checkpoints the state when the search keeps an experiment directory, in parallel with
 * the other workers' training) and publishes the result, with the trial's live state, on the
 * completion ring.
 *
 * <p>Runs on its own thread; owns a trial's state only between taking and publishing its unit.
 */
final class Worker implements EventHandler<UnitEvent> {
    private final int index;
    private final Trainable trainable;
    private final ExecutionContext context;
    private final RingBuffer<UnitEvent> completions;

    Worker(int index, Trainable trainable, ExecutionContext context, RingBuffer<UnitEvent> completions) {
        this.index = index;
        this.trainable = trainable;
        this.context = context;
        this.completions = completions;
    }

    @Override
    public void onEvent(UnitEvent unit, long sequence, boolean endOfBatch) {
        UnitWork work = unit.work;
        DataParallelGroup group = unit.group;
        int rank = unit.rank;
        List<Dataset> local = unit.local;
        unit.clear();
        UnitResult result;
        if (group != null) {
            result = group.run(rank, trainable, local); // with the other workers of the epoch
            if (rank != 0) {
                return; // the first rank reports the epoch
            }
        } else {
            result = UnitRunner.run(trainable, context.data(), work, context.partitions().get(work.partition()),
                context.validation(), context.journal(), false);
        }
        long slot = completions.next();
        completions.get(slot).set(index, work, result);
        completions.publish(slot);
    }
}
