package org.cerebro.runtime;

import java.util.ArrayList;
import java.util.List;
import org.cerebro.data.Shuffle;
import org.cerebro.space.Seeds;

/**
 * The order in which a trial visits the partitions in an epoch: a permutation that is a function
 * of (search seed, trial, epoch) alone, so results do not depend on thread timing, kills or resumes.
 */
public final class VisitOrder {
    private VisitOrder() {
    }

    /** The visit order of {@code partitions} partitions for a trial's epoch. */
    public static List<Integer> of(long seed, int trialId, int epoch, int partitions) {
        int[] order = Shuffle.permutation(partitions, Seeds.mix(Seeds.mix(seed, trialId), 0x0E90C4L + epoch));
        List<Integer> list = new ArrayList<>(partitions);
        for (int p : order) {
            list.add(p);
        }
        return List.copyOf(list);
    }

    /**
     * The visit order of a trial's epoch that resumes after {@code visited}: those partitions
     * first, then the others, each group in {@link #of} order. When {@code visited} is a prefix
     * of {@link #of} (a fixed-order run), this equals {@link #of}.
     */
    public static List<Integer> resumed(long seed, int trialId, int epoch, int partitions,
                                        java.util.Collection<Integer> visited) {
        List<Integer> fixed = of(seed, trialId, epoch, partitions);
        List<Integer> order = new ArrayList<>(partitions);
        for (int p : fixed) {
            if (visited.contains(p)) {
                order.add(p);
            }
        }
        for (int p : fixed) {
            if (!visited.contains(p)) {
                order.add(p);
            }
        }
        return List.copyOf(order);
    }
}
