package org.cerebro.strategy;

import java.time.Duration;
import org.cerebro.space.SearchSpace;

/**
 * An immutable description of a search strategy. Build one with the factories here; the search
 * calls {@link #begin} to get its state machine.
 *
 * <pre>{@code
 * Strategy.grid(10)                                    // every grid point, 10 epochs each
 * Strategy.random(50, 10)                              // 50 sampled configs, 10 epochs each
 * Strategy.hyperband(81, 3)                            // R = 81 epochs, eta = 3
 * Strategy.asha(1, 27, 3).maxTrials(100)               // rungs at 1, 3, 9, 27 epochs
 * Strategy.tpe(50, 10)                                 // 50 configs from TPE, 10 epochs each
 * Strategy.medianStopping(50, 20).gracePeriod(3)       // stop trials below the median
 * Strategy.pbt(16, 20)                                 // population-based training
 * Strategy.asha(1, 27, 3).maxTrials(100).sampler(Sampler.tpe())   // ASHA with TPE (BOHB-like)
 * }</pre>
 *
 * <p><b>Writing one.</b> A strategy is the scheduler of the Ray Tune / Optuna split: its state
 * ({@link StrategyState}) starts trials with configs (from a {@link Sampler}, typically), decides
 * after each epoch whether a trial continues, pauses or stops, and resumes paused ones. The
 * contract, which {@link StrategyContract#verify} checks in a unit test: new trials have new ids
 * and configs of the space; no trial trains past {@link #maxEpochs()}; only paused trials are
 * resumed; it finishes; and its decisions depend only on
 * the seed and the results it was told (no clock, no shared state between {@link #begin} calls),
 * which is what makes a search reproducible and resumable. Implementations are immutable values.
 */
public interface Strategy {
    /** The state machine for a search over {@code space} seeded with {@code seed}. */
    StrategyState begin(SearchSpace space, long seed);

    /** The fewest epochs any trial trains before the strategy first decides about it. */
    int minEpochs();

    /** The most epochs any trial trains. */
    int maxEpochs();

    /**
     * How many trials the strategy wants active at once on {@code workers} workers: one on one
     * worker, else twice the workers. Under model hopper parallelism an idle worker can only take
     * a trial that needs its partition next; with as many trials as workers they often want the
     * same one and a worker idles (measured: 1.42x the lower bound with 2 trials on 2 workers).
     */
    default int targetConcurrency(int workers) {
        return activeTrialsFor(workers);
    }

    /** The default number of active trials for {@code workers} workers: 1, or {@code 2 * workers}. */
    static int activeTrialsFor(int workers) {
        return workers <= 1 ? 1 : 2 * workers;
    }

    /**
     * The epochs each trial of the search is expected to train, for planning: exact for grid,
     * random and Hyperband, the successive-halving shape for ASHA. At most {@code cap} trials are
     * listed (a huge grid is summarised by its first {@code cap}). The default, for strategies that
     * cannot tell, is the trials in flight at once each training {@link #maxEpochs()}.
     */
    default java.util.List<Integer> plannedEpochs(SearchSpace space, int workers, int cap) {
        return java.util.Collections.nCopies(Math.max(1, Math.min(cap, targetConcurrency(workers))), maxEpochs());
    }

    /** A one-line description, e.g. {@code asha(r=1, R=27, eta=3, maxTrials=100)}; by default the class name. */
    default String describe() {
        return getClass().getSimpleName();
    }

    /** Every grid point of the space, each trained for {@code epochs}. */
    static GridSearch grid(int epochs) {
        return new GridSearch(epochs);
    }

    /** {@code trials} configs sampled from the space, each trained for {@code epochs}. */
    static RandomSearch random(int trials, int epochs) {
        return new RandomSearch(trials, epochs);
    }

    /** {@code trials} configs from the TPE sampler ({@link Sampler#tpe()}), each trained {@code epochs} epochs. */
    static RandomSearch tpe(int trials, int epochs) {
        return new RandomSearch(trials, epochs, Sampler.tpe());
    }

    /**
     * {@code trials} random configs trained up to {@code epochs} epochs each under the median
     * stopping rule (grace period 1, at least 3 other trials; see {@link MedianStopping}).
     */
    static MedianStopping medianStopping(int trials, int epochs) {
        return new MedianStopping(trials, epochs, 1, 3, Sampler.random());
    }

    /**
     * Population-based training of {@code population} trials for {@code epochs} epochs, perturbing
     * every 2 epochs (see {@link PopulationBasedTraining} for the rest of Ray Tune's defaults).
     */
    static PopulationBasedTraining pbt(int population, int epochs) {
        Strategy.checkEpochs("epochs", epochs);
        return new PopulationBasedTraining(population, epochs, Math.min(2, epochs), 0.25, 0.25, Sampler.random());
    }

    /** Hyperband with a maximum of {@code maxEpochs} (R) per trial and reduction factor {@code eta}. */
    static Hyperband hyperband(int maxEpochs, int eta) {
        return new Hyperband(maxEpochs, eta);
    }

    /**
     * ASHA with rungs at {@code minEpochs * eta^k} up to {@code maxEpochs}; it needs a trial or
     * time budget ({@link Asha#maxTrials(int)}, {@link Asha#timeBudget(Duration)}).
     */
    static Asha asha(int minEpochs, int maxEpochs, int eta) {
        return new Asha(minEpochs, maxEpochs, eta, 0, null, 1);
    }

    /** Validates an epoch count setting. */
    static void checkEpochs(String setting, int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException(setting + "=" + epochs + " expected>=1");
        }
    }

    /** Validates a reduction factor. */
    static void checkEta(int eta) {
        if (eta < 2) {
            throw new IllegalArgumentException("eta=" + eta + " expected>=2 (eta <= 1 would never reduce)");
        }
    }
}
