package org.cerebro.exec.local;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import org.cerebro.exec.Checkpoint;
import org.cerebro.exec.ExecutionContext;
import org.cerebro.exec.UnitRunner;
import org.cerebro.train.Metrics;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * One device's worker: takes units from its dispatch ring, trains the trial one pass over the
 * partition (initialising or restoring its state when needed, evaluating after the epoch's last
 * unit), checkpoints the state when the search keeps an experiment directory, and publishes the
 * outcome, with the state, on the completion ring. An exception in user code, or a non-finite
 * loss, becomes a failed outcome of that trial; an {@link Error} (out of memory) or a checkpoint
 * that cannot be written is published as fatal, and the executor ends the run.
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
        UnitRunner.Result result = UnitRunner.run(trainable, context.data(), unit.config, unit.trialSeed, unit.state,
            unit.restoreBytes, context.partitions().get(unit.partition), unit.lastOfEpoch ? context.validation() : null,
            unit.epoch, unit.partition);
        TrainableState state = result.state();
        Checkpoint checkpoint = null;
        Throwable fatal = result.fatal();
        if (result.failure() == null && fatal == null && context.journal().durable()) {
            try {
                checkpoint = context.journal().checkpoint(unit.trialId, unit.epoch, state.toBytes());
            } catch (RuntimeException | Error e) {
                fatal = e; // a checkpoint that cannot be written: the run cannot go on durably
            }
        }
        long start = result.startNanos();
        long end = result.endNanos();
        double loss = result.loss();
        Metrics metrics = result.metrics();
        String failure = result.failure();
        long slot = completions.next();
        UnitEvent done = completions.get(slot);
        done.copyFrom(unit);
        done.worker = index;
        done.state = state;
        done.startNanos = start;
        done.endNanos = end;
        done.loss = loss;
        done.metrics = metrics;
        done.failure = failure;
        done.checkpoint = checkpoint;
        done.fatal = fatal;
        completions.publish(slot);
        unit.clearReferences();
    }
}
