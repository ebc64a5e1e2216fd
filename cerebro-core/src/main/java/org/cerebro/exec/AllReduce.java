package org.cerebro.exec;

import java.io.IOException;

/**
 * How the ranks of a data-parallel epoch sum their gradients at every step: in shared memory
 * between threads ({@link DataParallelGroup}), or over TCP between worker processes (a ring).
 * Every rank must get the same bits, so every replica takes the same step.
 */
public interface AllReduce {
    /**
     * Sums {@code gradient} (this rank's gradient of its share of the step) over every rank.
     *
     * @param loss this rank's loss sum over its share
     * @return the sum over every rank (an array the caller only reads, valid until its next
     *         call), or null when some rank's loss was not finite: then every rank gets null and
     *         stops before the step's update
     * @throws IOException when a peer is lost or breaks the protocol (the epoch fails)
     */
    float[] sum(float[] gradient, double loss) throws IOException;
}
