package org.cerebro.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.data.Split;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.testing.TestData;
import org.cerebro.train.TrainedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The best DJL model of a search, exported in DJL's format, loads back into a block built with
 * plain DJL (no Cerebro class involved) and predicts with exactly the accuracy the search reported.
 */
class DjlModelsTest {
    @Test
    void theBestModelExportsToDjlAndPredictsWithTheReportedAccuracy(@TempDir Path tmp) throws Exception {
        try (Dataset mnist = Datasets.idx(TestData.file("mnist", "t10k-images-idx3-ubyte.gz"),
                TestData.file("mnist", "t10k-labels-idx1-ubyte.gz"));
             Dataset head = mnist.head(3_000);
             Split split = head.split(0.3, 4)) {
            SearchResult result = Cerebro.search(SearchSpace.of(HParam.choice("width", 32, 64), HParam.constant("depth", 1),
                    HParam.constant("lr", 0.003)))
                .trainable(new DjlTrainable(Zoo.mlp())).data(split.train(), split.validation())
                .strategy(Strategy.grid(2)).objective(Objective.maximize("accuracy")).seed(3).partitions(2)
                .progress(false).run();
            TrialResult best = result.best().orElseThrow();
            TrainedModel trained = result.bestModel().orElseThrow();
            assertEquals(best.lastEpoch().metrics(), trained.evaluate(split.validation()));
            DjlModels.save(trained, tmp, "mnist-best");

            int width = (Integer) best.config().values().get("width");
            SequentialBlock block = new SequentialBlock() // the zoo MLP, written with plain DJL
                .add(Blocks.batchFlattenBlock(784))
                .add(Linear.builder().setUnits(width).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(10).build());
            int[] predicted = new int[split.validation().size()];
            try (Model model = Model.newInstance("mnist-best")) {
                model.setBlock(block);
                model.load(tmp, "mnist-best");
                NDManager manager = model.getNDManager();
                float[] row = new float[784];
                float[] all = new float[predicted.length * 784];
                for (int i = 0; i < predicted.length; i++) {
                    split.validation().copyFeatures(i, row);
                    System.arraycopy(row, 0, all, i * 784, 784);
                }
                NDArray x = manager.create(all, new Shape(predicted.length, 784));
                long[] classes = block.forward(new ParameterStore(manager, false), new ai.djl.ndarray.NDList(x), false)
                    .singletonOrThrow().argMax(1).toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
                for (int i = 0; i < predicted.length; i++) {
                    predicted[i] = (int) classes[i];
                }
            }
            long correct = 0;
            for (int i = 0; i < predicted.length; i++) {
                correct += predicted[i] == split.validation().label(i) ? 1 : 0;
            }
            assertEquals(best.lastEpoch().metrics().accuracy(), correct / (double) predicted.length, 1e-12,
                "plain DJL predicts with the accuracy the search reported");
            assertTrue(java.util.Arrays.equals(predicted, trained.predict(split.validation())),
                "and the same classes as the trained model itself");
        }
    }
}
