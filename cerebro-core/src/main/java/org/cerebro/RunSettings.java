package org.cerebro;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.cerebro.exec.Executor;
import org.cerebro.plan.Operator;

/**
 * How and where a {@link LogicalSearch} runs: none of it changes a trial's results beyond the
 * last bits a thread count can move. Immutable.
 *
 * @param executor      the executor (transport) whose workers train
 * @param partitions    the number of training partitions
 * @param operator      the physical operator forced by the user, or null for the planner's choice
 * @param experimentDir the experiment directory to record in and resume from, or null
 * @param profileCache  the file model profiles are cached in, or null
 * @param listeners     progress listeners, in the order added
 * @param keepModels    how many of the best trials' trained models the result keeps in memory
 * @param report        the HTML report written while the search runs and when it ends, or null
 * @param divergenceLimit a trial whose epoch's training loss passes this multiple of ln(classes)
 *                        fails; 0 for no such rule
 * @param arrivalOrder  whether the strategy sees epoch outcomes as they arrive (faster, but the
 *                      decisions depend on timing) instead of in the order a cost-driven clock predicts
 * @param intraOpThreads intra-op threads per worker fixed by the user, or 0 for the planner's
 *                       measured choice
 */
public record RunSettings(Executor executor, int partitions, Operator operator, Path experimentDir, Path profileCache,
                          List<SearchListener> listeners, int keepModels, Path report, double divergenceLimit,
                          boolean arrivalOrder, int intraOpThreads) {
    /** Copies the listeners. */
    public RunSettings {
        Objects.requireNonNull(executor, "executor");
        listeners = List.copyOf(listeners);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions=" + partitions + " expected >= 1");
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads=" + intraOpThreads + " expected >= 1, or 0 to measure");
        }
        if (keepModels < 0) {
            throw new IllegalArgumentException("keepModels=" + keepModels + " expected >= 0");
        }
    }
}
