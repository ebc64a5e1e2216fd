package org.cerebro.strategy;

import org.cerebro.space.Config;

/**
 * What a strategy wants done when the driver has room for another active trial.
 */
public sealed interface Decision {
    /**
     * Start a new trial and train it, epoch by epoch, towards {@code targetEpoch}.
     *
     * @param trialId     the new trial's id (0, 1, 2... in order of starting)
     * @param config      its hyperparameters
     * @param targetEpoch the epoch at which the strategy will next decide about it
     */
    record Start(int trialId, Config config, int targetEpoch) implements Decision {
    }

    /**
     * Resume a paused trial (a promotion) and train it towards {@code targetEpoch}.
     *
     * @param trialId     the paused trial
     * @param targetEpoch the epoch at which the strategy will next decide about it
     */
    record Resume(int trialId, int targetEpoch) implements Decision {
    }

    /**
     * Exploit and explore (population-based training): paused trial {@code trialId} takes over
     * the state of trial {@code sourceTrialId} (parameters and optimizer state, as of the epoch
     * both have trained to) and continues with {@code config}, training towards
     * {@code targetEpoch}. Both trials must be paused at the same epoch.
     *
     * @param trialId       the paused trial that is replaced
     * @param sourceTrialId the paused trial whose state it copies
     * @param config        its hyperparameters from now on
     * @param targetEpoch   the epoch at which the strategy will next decide about it
     */
    record Exploit(int trialId, int sourceTrialId, Config config, int targetEpoch) implements Decision {
    }

    /**
     * Nothing to start now: ask again after the next event. When no trial is running either, no
     * event will come: the search is over.
     */
    record Wait() implements Decision {
    }

    /** The strategy will never start or resume another trial: the search is over once the running trials end. */
    record Done() implements Decision {
    }

    /** The {@link Wait} decision. */
    Decision WAIT = new Wait();
    /** The {@link Done} decision. */
    Decision DONE = new Done();
}
