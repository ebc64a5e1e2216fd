package org.cerebro.strategy;

import java.util.List;

/**
 * One rung of a successive-halving strategy, as it stands: the trials recorded at it and those
 * promoted from it (the survivors).
 *
 * @param bracket  the Hyperband bracket {@code s}, or 0 for ASHA
 * @param rung     the rung index within the bracket
 * @param epochs   the epochs a trial has trained when it is recorded at this rung
 * @param planned  the trials the rung is planned to hold (Hyperband's n_i), or -1 when open-ended (ASHA)
 * @param recorded the trials recorded at this rung, in order of arrival
 * @param promoted the trials promoted from it, in order of promotion
 */
public record RungReport(int bracket, int rung, int epochs, int planned, List<Integer> recorded, List<Integer> promoted) {
    /** Copies the lists. */
    public RungReport {
        recorded = List.copyOf(recorded);
        promoted = List.copyOf(promoted);
    }
}
