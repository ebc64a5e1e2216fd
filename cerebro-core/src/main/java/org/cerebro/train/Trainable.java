package org.cerebro.train;

import org.cerebro.space.Config;

/**
 * What to train: turns a config into trial states. Implementations are stateless factories,
 * safe to share between worker threads; each state belongs to one worker at a time.
 *
 * <p>Executors call {@link #init} once per trial and {@link #restore} whenever a trial's state
 * arrives as bytes (after a hop between processes, a pause or a resume from a checkpoint).
 */
public interface Trainable {
    /** A short name for results and provenance, e.g. "mlp-java". */
    String name();

    /**
     * A fresh state for a trial.
     *
     * @param config the trial's hyperparameters
     * @param seed   the trial's own seed; the same seed gives the same initial state
     * @param data   the data's shape
     * @throws IllegalArgumentException when the config is unusable (an unknown optimizer...)
     */
    TrainableState init(Config config, long seed, DataSpec data);

    /**
     * A state restored from {@link TrainableState#toBytes()}.
     *
     * @throws IllegalArgumentException when the bytes are not a state of this trainable, of a
     *                                  supported version and of this data shape
     */
    TrainableState restore(Config config, DataSpec data, byte[] bytes);

    /**
     * The metrics this trainable's evaluations report ({@link Metrics#get}): a search whose
     * objective names another fails at {@code build()}, before any work. The default is
     * {@code loss} and {@code accuracy}; a trainable that reports more (in {@link Metrics#extra()})
     * declares them here.
     */
    default java.util.Set<String> metrics() {
        return java.util.Set.of("loss", "accuracy");
    }

    /**
     * The relative cost of one epoch of {@code config}'s model on {@code data}, in any unit the
     * trainable's configs share (parameters, or FLOPs per record): a deterministic function of the
     * config, never a measurement. The search shows epoch outcomes to the strategy in the order a
     * clock driven by these costs predicts they finish, so a cheap model's outcome need not wait
     * for an expensive one granted before it, and the decisions still never depend on timing. The
     * default, 1 for every config, gives the order the epochs were granted in. Changing it changes
     * an adaptive search's decisions: a search resumed from an experiment directory needs the
     * costs its first run had.
     */
    default double epochCost(Config config, DataSpec data) {
        return 1;
    }

    /**
     * Whether this trainable's states train data-parallel ({@link GradientStep}): the planner
     * considers data-parallel and hybrid plans only for such trainables. Default false.
     */
    default boolean dataParallel() {
        return false;
    }

    /**
     * Called once before {@code workers} workers start training concurrently, e.g. to split a
     * native engine's intra-op threads between them. The default does nothing.
     */
    default void configureWorkers(int workers) {
    }

    /**
     * This trainable for a worker on {@code device} (e.g. bound to GPU 1). The default, for
     * trainables without devices, is this one.
     */
    default Trainable onDevice(WorkerDevice device) {
        return this;
    }

    /**
     * How a worker in another process rebuilds this trainable, with every setting it has. The
     * default names this class, built with its no-argument constructor; a trainable with settings
     * returns a spec of its own kind (and registers a {@link TrainableFactory} for it).
     *
     * @throws IllegalArgumentException when this trainable cannot be rebuilt elsewhere (a lambda,
     *                                  an anonymous class), saying why
     */
    default TrainableSpec spec() {
        return TrainableSpec.ofClass(getClass());
    }
}
