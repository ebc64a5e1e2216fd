package org.cerebro.plan;

import java.time.Instant;

/**
 * A measured profile of one model on one kind of device.
 *
 * @param key              what was profiled: trainable, architecture config, batch size, device kind
 * @param secondsPerSample training seconds per record, measured after a warm-up
 * @param evalSecondsPerSample evaluation seconds per record
 * @param stateBytes       bytes of the trial's complete state (what a hop moves)
 * @param measuredAt       when it was measured
 * @param source           "measured" now, or where it came from (e.g. the profile cache's file)
 */
public record ModelProfile(String key, double secondsPerSample, double evalSecondsPerSample, long stateBytes,
                           Instant measuredAt, String source) {
}
