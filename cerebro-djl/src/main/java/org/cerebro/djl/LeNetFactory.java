package org.cerebro.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.train.DataSpec;

/**
 * A LeNet-5-style CNN for 28×28 single-channel images (records of 784 features): two 5×5
 * convolutions with ReLU and 2×2 max pooling, then dense layers of 120 and 84 units. The number of
 * filters of the first convolution is {@link #FILTERS} (default 6; the second has
 * {@code 16 / 6} as many, rounded up).
 */
public final class LeNetFactory implements ModelFactory {
    /** Filters of the first convolution. */
    public static final HParam<Integer> FILTERS = HParam.choice("filters", 6, 16, 32);

    private static final int SIDE = 28;

    @Override
    public String name() {
        return "lenet";
    }

    @Override
    public Block build(Config config, DataSpec data) {
        int filters = config.getOrDefault(FILTERS, 6);
        if (filters < 1) {
            throw new IllegalArgumentException("config filters=" + filters + " expected>=1");
        }
        return new SequentialBlock()
            .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(filters).build())
            .add(Activation::relu)
            .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
            .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters((filters * 16 + 5) / 6).build())
            .add(Activation::relu)
            .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(120).build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(84).build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(data.numClasses()).build());
    }

    @Override
    public Shape inputShape(Config config, DataSpec data) {
        return new Shape(1, 1, SIDE, SIDE);
    }
}
