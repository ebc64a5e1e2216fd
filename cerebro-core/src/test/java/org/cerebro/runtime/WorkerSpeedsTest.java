package org.cerebro.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkerSpeedsTest {
    /** Trials of works spread 50x, each unit on a random worker, its time varied by up to ±noise. */
    private static void run(WorkerSpeeds speeds, double[] trueSpeeds, int units, double noise, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] work = new double[20];
        for (int t = 0; t < work.length; t++) {
            work[t] = Math.exp(random.nextDouble(0, Math.log(50)));
        }
        for (int i = 0; i < units; i++) {
            int t = random.nextInt(work.length);
            int w = random.nextInt(trueSpeeds.length);
            speeds.ran(w, t, work[t] / trueSpeeds[w] * (1 + random.nextDouble(-noise, noise)));
        }
    }

    @Test
    void speedsAreLearnedFromUnitTimesAlone() {
        WorkerSpeeds speeds = new WorkerSpeeds(3);
        run(speeds, new double[] {1, 2, 0.5}, 400, 0.2, 1);
        assertEquals(2.0, speeds.speed(1) / speeds.speed(0), 0.2);
        assertEquals(0.5, speeds.speed(2) / speeds.speed(0), 0.05);
        assertTrue(speeds.differBy(1.5));
        assertFalse(speeds.differBy(5));
        // a unit's predicted time scales with the worker: a trial is about 4x as long on worker 2 as on 1
        assertEquals(4.0, speeds.seconds(3, 2) / speeds.seconds(3, 1), 0.5);
    }

    @Test
    void workersOfOneSpeedDoNotLookDifferentThroughNoise() {
        for (long seed = 1; seed <= 5; seed++) {
            WorkerSpeeds speeds = new WorkerSpeeds(16);
            run(speeds, java.util.stream.DoubleStream.generate(() -> 1).limit(16).toArray(), 2_000, 0.3, seed);
            assertFalse(speeds.differBy(1.5), "16 equal workers, units ±30%, seed " + seed);
        }
    }

    @Test
    void aWorkerThatSlowsDownIsFollowed() {
        WorkerSpeeds speeds = new WorkerSpeeds(2);
        run(speeds, new double[] {1, 1}, 200, 0.1, 3);
        assertFalse(speeds.differBy(1.5));
        run(speeds, new double[] {1, 0.4}, 200, 0.1, 4);
        assertEquals(0.4, speeds.speed(1) / speeds.speed(0), 0.08);
    }

    @Test
    void aLongTrialKeptOnOneWorkerDoesNotSkewThatWorkersSpeed() {
        WorkerSpeeds speeds = new WorkerSpeeds(4);
        double[] trueSpeeds = {2, 1, 1, 0.5};
        speeds.ran(3, 20, 10 / trueSpeeds[3]); // the long trial's first unit, on the slow worker
        run(speeds, trueSpeeds, 200, 0.1, 5);
        for (int i = 0; i < 300; i++) { // then a speed-aware schedule keeps it on the fast one
            speeds.ran(0, 20, 10 / trueSpeeds[0]);
        }
        assertEquals(2.0, speeds.speed(0) / speeds.speed(1), 0.2, "the fast worker's speed against a normal one's");
        assertEquals(5.0, speeds.seconds(20, 0), 0.5, "the long trial's unit on the fast worker");
        assertEquals(20.0, speeds.seconds(20, 3), 2.5, "the long trial's unit on the slow worker");
    }

    @Test
    void aLongSearchKeepsBoundedMemoryAndItsSpeeds() {
        WorkerSpeeds speeds = new WorkerSpeeds(3);
        SplittableRandom random = new SplittableRandom(6);
        double[] trueSpeeds = {1, 2, 0.5};
        for (int t = 0; t < 3_000; t++) { // each trial: a few units on random workers, then never again
            double work = Math.exp(random.nextDouble(0, Math.log(50)));
            for (int u = 0; u < 4; u++) {
                int w = random.nextInt(3);
                speeds.ran(w, t, work / trueSpeeds[w] * (1 + random.nextDouble(-0.1, 0.1)));
            }
        }
        for (int w = 0; w < 3; w++) {
            assertEquals(WorkerSpeeds.PAIRS_KEPT, speeds.pairsKept(w), "worker " + w);
        }
        assertEquals(2.0, speeds.speed(1) / speeds.speed(0), 0.2);
        assertEquals(0.5, speeds.speed(2) / speeds.speed(0), 0.05);
        assertEquals(4.0, speeds.seconds(2_999, 2) / speeds.seconds(2_999, 1), 0.5);
        assertTrue(Double.isFinite(speeds.seconds(5, 0)), "a trial whose pairs were all forgotten counts as the mean");
    }

    @Test
    void nothingIsKnownBeforeUnitsRunAndBadTimesAreIgnored() {
        WorkerSpeeds speeds = new WorkerSpeeds(2);
        assertTrue(Double.isNaN(speeds.seconds(0, 0)));
        speeds.ran(0, 0, Double.NaN);
        speeds.ran(0, 0, 0);
        speeds.ran(1, 0, -1);
        speeds.ran(1, 0, Double.POSITIVE_INFINITY);
        assertTrue(Double.isNaN(speeds.seconds(0, 0)));
        assertEquals(1, speeds.speed(0));
        speeds.ran(0, 7, 2.0);
        assertEquals(2.0, speeds.seconds(7, 0), 1e-12);
        assertEquals(2.0, speeds.seconds(3, 1), 1e-12, "a trial not seen yet counts as the mean of those seen");
    }
}
