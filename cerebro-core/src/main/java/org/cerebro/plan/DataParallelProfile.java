package org.cerebro.plan;

/**
 * How fast a model trains data-parallel on the executor's workers, measured: the same sample
 * trained by one epoch of {@code workers} ranks at once, against one worker's rate. Or why it
 * cannot (the trainable does not train data-parallel, the executor does not run it).
 *
 * @param available              whether data-parallel plans are possible
 * @param workers                ranks measured
 * @param secondsPerSample       wall seconds per training record with all ranks (NaN when not available)
 * @param singleSecondsPerSample seconds per record on one worker, the same way (NaN when not available)
 * @param syncSecondsPerStep     what each step cost beyond perfect scaling: the all-reduce, the
 *                               barriers, uneven shares (NaN when not available)
 * @param note                   how it was measured, or why it is not available
 */
public record DataParallelProfile(boolean available, int workers, double secondsPerSample, double singleSecondsPerSample,
                                  double syncSecondsPerStep, String note) {
    /** Data parallelism is not possible here, for {@code why}. */
    public static DataParallelProfile unavailable(String why) {
        return new DataParallelProfile(false, 0, Double.NaN, Double.NaN, Double.NaN, why);
    }

    /** Speed-up of the data-parallel epoch over one worker's. */
    public double speedup() {
        return singleSecondsPerSample / secondsPerSample;
    }
}
