package org.cerebro.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.MlpTrainableTest;
import org.cerebro.train.TrainableState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Data-parallel training against single-worker training: bit for bit on one rank, equal up to the
 * order of float additions on several, whatever the batch, the ranks and the partition sizes.
 */
class DataParallelTest {
    private static final DataSpec SPEC = new DataSpec(5, 3);
    /** Bound on the relative difference of k-way and single-worker parameters; measured: at most 3.0e-7. */
    static final double TOLERANCE = 1e-5;

    private static Config config(int batch) {
        return Config.of(Map.of("lr", 0.05, "hidden", 8, "batch_size", batch));
    }

    private static UnitWork epoch(Config config, TrialState state) {
        return new UnitWork(1, 1, UnitRecord.ALL_PARTITIONS, config, 7, state, true);
    }

    /** Runs one data-parallel epoch over {@code local} (a list of datasets per rank) on threads; rank 0's result. */
    static UnitResult dataParallel(UnitWork work, List<List<Dataset>> local, Dataset validation) throws Exception {
        int[] sizes = local.stream().mapToInt(l -> l.stream().mapToInt(Dataset::size).sum()).toArray();
        DataParallelGroup group = new DataParallelGroup(work, SPEC, validation, UnitJournal.NONE, sizes, false);
        ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(local.size());
        try {
            List<Future<UnitResult>> results = new ArrayList<>();
            for (int rank = 0; rank < local.size(); rank++) {
                int r = rank;
                results.add(threads.submit(() -> group.run(r, new MlpTrainable(), local.get(r))));
            }
            for (int rank = 1; rank < local.size(); rank++) {
                assertNull(results.get(rank).get(), "only rank 0 reports");
            }
            return results.get(0).get();
        } finally {
            threads.shutdown();
        }
    }

    /** An MLP state's parameters and momentum: the floats after its 28-byte header (magic, version, shape, steps). */
    private static float[] floats(byte[] state) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        in.skipBytes(28);
        float[] values = new float[(state.length - 28) / 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    @Test
    void oneRankIsSingleWorkerTrainingBitForBit() throws Exception {
        try (Dataset data = MlpTrainableTest.blobs(301, 1); Dataset validation = MlpTrainableTest.blobs(50, 2)) {
            TrainableState single = new MlpTrainable().init(config(16), 7, SPEC);
            double loss = single.trainPass(data);
            UnitResult result = dataParallel(epoch(config(16), TrialState.NONE), List.of(List.of(data)), validation);
            TrainableState parallel = ((TrialState.Live) result.state()).state();
            assertArrayEquals(single.toBytes(), parallel.toBytes(), "parameters and momentum, bit for bit");
            assertEquals(loss, result.loss(), 1e-12, "the reported loss: summed per step, not per record");
            assertEquals(single.evaluate(validation), result.metrics());
        }
    }

    @ParameterizedTest(name = "{0} ranks, batch {1}, {2} records")
    @CsvSource({"2, 32, 640", "3, 30, 900", "2, 5, 301", "3, 32, 1000", "4, 7, 203"})
    void severalRanksEqualSingleWorkerTrainingUpToFloatSummationOrder(int ranks, int batch, int records)
        throws Exception {
        try (Dataset data = MlpTrainableTest.blobs(records, 3); Dataset validation = MlpTrainableTest.blobs(50, 2)) {
            // each rank holds one or two partitions of unequal sizes, as MOP places them
            List<List<Dataset>> local = new ArrayList<>();
            org.cerebro.data.Partitions partitions = data.partition(2 * ranks - 1, 5);
            List<Dataset> parts = new ArrayList<>(partitions.all());
            for (int r = 0; r < ranks; r++) {
                List<Dataset> mine = new ArrayList<>();
                for (int p = r; p < parts.size(); p += ranks) {
                    mine.add(parts.get(p));
                }
                local.add(mine);
            }
            try (Dataset order = DataParallelTestSupport.interleaved(local, batch)) {
                TrainableState single = new MlpTrainable().init(config(batch), 7, SPEC);
                single.trainPass(order);
                UnitResult result = dataParallel(epoch(config(batch), TrialState.NONE), local, validation);
                float[] expected = floats(single.toBytes());
                float[] actual = floats(((TrialState.Live) result.state()).state().toBytes());
                double worst = 0;
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i])));
                }
                assertTrue(worst < TOLERANCE, "largest relative difference " + worst);
                System.out.printf("data parallel %d ranks batch %d records %d: largest relative difference %.3g%n", ranks,
                    batch, records, worst);
            } finally {
                partitions.close();
            }
        }
    }

    @Test
    void aTrialSwitchesBetweenHoppingAndDataParallelEpochsFromExactlyItsState() throws Exception {
        try (Dataset data = MlpTrainableTest.blobs(400, 4); Dataset validation = MlpTrainableTest.blobs(50, 2)) {
            org.cerebro.data.Partitions partitions = data.partition(2, 1);
            List<Dataset> parts = partitions.all();
            // epoch 1 hops over the two partitions; epoch 2 data-parallel on two ranks; epoch 3 hops again
            TrainableState hopping = new MlpTrainable().init(config(20), 7, SPEC);
            hopping.trainPass(parts.get(0));
            hopping.trainPass(parts.get(1));
            byte[] afterFirst = hopping.toBytes();
            UnitResult second = dataParallel(epoch(config(20), new TrialState.Bytes(afterFirst)),
                List.of(List.of(parts.get(0)), List.of(parts.get(1))), validation);
            TrainableState continued = ((TrialState.Live) second.state()).state();
            // the same epoch from the same bytes on a live state gives the same bits
            UnitResult again = dataParallel(epoch(config(20), new TrialState.Live(new MlpTrainable()
                .restore(config(20), SPEC, afterFirst))), List.of(List.of(parts.get(0)), List.of(parts.get(1))), validation);
            assertArrayEquals(continued.toBytes(), ((TrialState.Live) again.state()).state().toBytes());
            byte[] afterSecond = continued.toBytes();
            continued.trainPass(parts.get(1));
            TrainableState restored = new MlpTrainable().restore(config(20), SPEC, afterSecond);
            restored.trainPass(parts.get(1));
            assertArrayEquals(continued.toBytes(), restored.toBytes(), "the state after it is all a trial needs");
            partitions.close();
        }
    }

    @Test
    void stepsCoverEveryRecordOnceWithTheBatchSizeInEveryStepButTheLast() {
        org.quicktheories.QuickTheory.qt().withFixedSeed(5).withExamples(300)
            .forAll(org.quicktheories.generators.SourceDSL.lists().of(
                    org.quicktheories.generators.SourceDSL.integers().between(0, 60)).ofSizeBetween(1, 6),
                org.quicktheories.generators.SourceDSL.integers().between(1, 40))
            .checkAssert((sizes, batch) -> {
                int[] local = sizes.stream().mapToInt(Integer::intValue).toArray();
                int total = java.util.Arrays.stream(local).sum();
                DataParallelSteps steps = new DataParallelSteps(local, batch);
                int[] seen = new int[local.length];
                long count = 0;
                int covered = 0;
                while (steps.next()) {
                    count++;
                    for (int r = 0; r < local.length; r++) {
                        assertEquals(seen[r], steps.offset(r), "rank " + r + " reads on where it stopped");
                        seen[r] += steps.count(r);
                    }
                    covered += steps.records();
                    assertTrue(steps.records() == batch || covered == total, "a short step is the last");
                }
                assertArrayEquals(local, seen, "every record of every rank, once");
                assertEquals(DataParallelSteps.steps(total, batch), count);
            });
    }
}
