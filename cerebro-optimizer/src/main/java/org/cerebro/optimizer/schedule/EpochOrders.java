package org.cerebro.optimizer.schedule;

import java.util.List;
import org.cerebro.exec.VisitOrder;

/** The fixed visit order of a trial's epoch, with the partitions it already visited moved first. */
final class EpochOrders {
    private EpochOrders() {
    }

    /** {@link VisitOrder#resumed}: a trial resumed mid-epoch goes on in its own order. */
    static int[] of(long seed, int trial, int epoch, int partitions, boolean[] visited) {
        java.util.Set<Integer> done = new java.util.HashSet<>();
        for (int p = 0; p < partitions; p++) {
            if (visited[p]) {
                done.add(p);
            }
        }
        return VisitOrder.resumed(seed, trial, epoch, partitions, done).stream().mapToInt(Integer::intValue).toArray();
    }

    /** Validates a resumed trial's visited partitions and marks them in a fresh array. */
    static boolean[] visited(int trial, List<Integer> visitedThisEpoch, int partitions) {
        boolean[] visited = new boolean[partitions];
        for (int p : visitedThisEpoch) {
            if (p < 0 || p >= partitions || visited[p]) {
                throw new IllegalArgumentException("trial=" + trial + " visitedThisEpoch=" + visitedThisEpoch
                    + " expected distinct partitions in [0, " + partitions + ")");
            }
            visited[p] = true;
        }
        if (visitedThisEpoch.size() == partitions) {
            throw new IllegalArgumentException("trial=" + trial + " visitedThisEpoch=" + visitedThisEpoch
                + " covers every partition: admit it with the epoch done instead");
        }
        return visited;
    }
}
