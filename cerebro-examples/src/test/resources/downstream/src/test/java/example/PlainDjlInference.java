package example;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Inference with plain DJL, in a JVM without Cerebro: the zoo MLP's block written with DJL's own
 * API, the exported parameters loaded into it, the validation set classified.
 * Arguments: model dir, model name, hidden width.
 */
public final class PlainDjlInference {
    public static void main(String[] args) throws Exception {
        try {
            Class.forName("org.cerebro.Cerebro");
            throw new IllegalStateException("Cerebro is on this class path");
        } catch (ClassNotFoundException expected) {
            // the point: no Cerebro here
        }
        Path dir = Path.of(args[0]);
        int width = Integer.parseInt(args[2]);
        SequentialBlock block = new SequentialBlock()
            .add(Blocks.batchFlattenBlock(784))
            .add(Linear.builder().setUnits(width).build()).add(Activation::relu)
            .add(Linear.builder().setUnits(10).build());
        try (Model model = Model.newInstance(args[1]);
             DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve("validation.bin")))) {
            model.setBlock(block);
            model.load(dir, args[1]);
            int n = in.readInt();
            float[] features = new float[n * 784];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 784; j++) {
                    features[i * 784 + j] = in.readFloat();
                }
                labels[i] = in.readInt();
            }
            NDManager manager = model.getNDManager();
            NDArray x = manager.create(features, new Shape(n, 784));
            long[] predicted = block.forward(new ParameterStore(manager, false), new NDList(x), false)
                .singletonOrThrow().argMax(1).toType(DataType.INT64, false).toLongArray();
            int correct = 0;
            for (int i = 0; i < n; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
            System.out.println("accuracy " + correct / (double) n);
        }
    }
}
