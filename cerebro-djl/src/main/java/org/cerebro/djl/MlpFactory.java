package org.cerebro.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.util.List;
import java.util.function.Function;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.train.DataSpec;

/**
 * A multi-layer perceptron: {@link #DEPTH} hidden layers of {@link #WIDTH} units with
 * {@link #ACTIVATION} and optional {@link #DROPOUT}, then a linear layer with one output per
 * class. Defaults when the config lacks them: depth 2, width 128, relu, no dropout.
 *
 * <p>Dropout draws from the engine's global generator, so a run with dropout is not
 * bit-reproducible when trials train concurrently; without dropout it is.
 */
public final class MlpFactory implements ModelFactory {
    /** Hidden layers. */
    public static final HParam<Integer> DEPTH = HParam.intRange("depth", 1, 4);
    /** Units per hidden layer. */
    public static final HParam<Integer> WIDTH = HParam.choice("width", 64, 128, 256, 512);
    /** Dropout after each hidden layer; 0 for none. */
    public static final HParam<Double> DROPOUT = HParam.uniform("dropout", 0.0, 0.5);
    /** Hidden activation: relu, tanh, sigmoid or gelu. */
    public static final HParam<String> ACTIVATION = HParam.choice("activation", "relu", "tanh", "sigmoid", "gelu");

    private static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid", "gelu");

    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public Block build(Config config, DataSpec data) {
        int depth = config.getOrDefault(DEPTH, 2);
        int width = config.getOrDefault(WIDTH, 128);
        double dropout = config.getOrDefault(DROPOUT, 0.0);
        Function<NDList, NDList> activation = activation(config.getOrDefault(ACTIVATION, "relu"));
        if (depth < 0 || width < 1 || dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("config " + config.canonical() + ": expected depth>=0, width>=1,"
                + " 0<=dropout<1; got depth=" + depth + " width=" + width + " dropout=" + dropout);
        }
        SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock(data.featureWidth()));
        for (int i = 0; i < depth; i++) {
            block.add(Linear.builder().setUnits(width).build()).add(activation);
            if (dropout > 0) {
                block.add(Dropout.builder().optRate((float) dropout).build());
            }
        }
        return block.add(Linear.builder().setUnits(data.numClasses()).build());
    }

    @Override
    public Shape inputShape(Config config, DataSpec data) {
        return new Shape(1, data.featureWidth());
    }

    private static Function<NDList, NDList> activation(String name) {
        return switch (name) {
            case "relu" -> Activation::relu;
            case "tanh" -> Activation::tanh;
            case "sigmoid" -> Activation::sigmoid;
            case "gelu" -> Activation::gelu;
            default -> throw new IllegalArgumentException("config activation=\"" + name + "\" is not supported: expected one of "
                + ACTIVATIONS);
        };
    }
}
