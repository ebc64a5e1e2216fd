package org.cerebro.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.cerebro.data.Dataset;
import org.cerebro.exec.DataParallelGroup;
import org.cerebro.exec.TrialState;
import org.cerebro.exec.UnitJournal;
import org.cerebro.exec.UnitRecord;
import org.cerebro.exec.UnitResult;
import org.cerebro.exec.UnitWork;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.TrainableState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data-parallel DJL training against a pass: one rank is the pass bit for bit when every step has
 * a power-of-two number of records (here 7 full batches of 64: scaling the engine's mean gradient
 * by the step's records and back is then exact); two ranks differ only by float summation order.
 */
class DjlDataParallelTest {
    private static final DataSpec MNIST = new DataSpec(784, 10);

    private static Config config(String optimizer) {
        return Config.of(Map.of("optimizer", optimizer, "lr", optimizer.equals("adam") ? 1e-3 : 0.05,
            "momentum", 0.9, "weight_decay", 1e-4, "batch_size", 64, "depth", 1, "width", 64));
    }

    private static UnitResult epoch(Config config, List<List<Dataset>> local) throws Exception {
        int[] sizes = local.stream().mapToInt(l -> l.stream().mapToInt(Dataset::size).sum()).toArray();
        UnitWork work = new UnitWork(1, 1, UnitRecord.ALL_PARTITIONS, config, 99, TrialState.NONE, false);
        DataParallelGroup group = new DataParallelGroup(work, MNIST, local.get(0).get(0), UnitJournal.NONE, sizes,
            false);
        ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(local.size());
        try {
            List<Future<UnitResult>> results = new ArrayList<>();
            for (int rank = 0; rank < local.size(); rank++) {
                int r = rank;
                results.add(threads.submit(() -> group.run(r, new DjlTrainable(Zoo.mlp()), local.get(r))));
            }
            for (Future<UnitResult> result : results) {
                result.get();
            }
            return results.get(0).get();
        } finally {
            threads.shutdown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd"})
    void oneRankIsAPassBitForBitAndTwoRanksDifferOnlyBySummationOrder(String optimizer) throws Exception {
        List<Dataset> partitions = MnistFixture.smallPartitions().all();
        Dataset one = partitions.get(0).head(448); // 7 full batches: the scale by 64 is exact
        byte[] pass;
        try (TrainableState state = new DjlTrainable(Zoo.mlp()).init(config(optimizer), 99, MNIST)) {
            state.trainPass(one);
            pass = state.toBytes();
        }
        UnitResult single = epoch(config(optimizer), List.of(List.of(one)));
        assertTrue(single.succeeded(), single.failure());
        try (TrainableState state = ((TrialState.Live) single.state()).state()) {
            assertArrayEquals(pass, state.toBytes(), "parameters and " + optimizer + " state, bit for bit");
        }
        // two ranks over two partitions, against a pass over the order they interleave into
        Dataset interleaved = org.cerebro.exec.DataParallelTestSupport.interleaved(
            List.of(List.of(partitions.get(1)), List.of(partitions.get(2))), 64);
        UnitResult two = epoch(config(optimizer), List.of(List.of(partitions.get(1)), List.of(partitions.get(2))));
        assertTrue(two.succeeded(), two.failure());
        try (TrainableState reference = new DjlTrainable(Zoo.mlp()).init(config(optimizer), 99, MNIST);
             TrainableState state = ((TrialState.Live) two.state()).state()) {
            reference.trainPass(interleaved);
            List<ai.djl.ndarray.NDArray> expected = ((DjlState) reference).parameters();
            List<ai.djl.ndarray.NDArray> actual = ((DjlState) state).parameters();
            double worst = 0;
            for (int w = 0; w < expected.size(); w++) {
                float[] e = expected.get(w).toFloatArray();
                float[] a = actual.get(w).toFloatArray();
                for (int i = 0; i < e.length; i++) {
                    worst = Math.max(worst, Math.abs(e[i] - a[i]) / Math.max(1e-3, Math.abs(e[i])));
                }
            }
            System.out.printf("djl %s data parallel 2 ranks: largest relative parameter difference %.3g%n", optimizer,
                worst);
            assertTrue(worst < 1e-3, "largest relative parameter difference " + worst);
        }
        interleaved.close();
        one.close();
    }
}
