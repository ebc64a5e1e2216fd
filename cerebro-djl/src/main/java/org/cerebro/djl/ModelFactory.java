package org.cerebro.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;

/**
 * Turns a config into a DJL model: its block and the shape of one input record. Training
 * settings (optimizer, learning rate, weight decay, batch size) come from the same config through
 * {@link TrainingSettings}.
 *
 * <p>Implementations must be stateless and thread-safe, and, to run on cluster workers, a named
 * class with a public no-argument constructor (not a lambda): a worker builds the model itself.
 */
public interface ModelFactory {
    /** A short name for results and state headers, e.g. "mlp". */
    String name();

    /** A new, uninitialised block for {@code config}, with {@code data.numClasses()} outputs. */
    Block build(Config config, DataSpec data);

    /**
     * The shape of a batch of one record, e.g. {@code (1, 784)} or {@code (1, 1, 28, 28)}; its
     * size must equal the data's feature width.
     */
    Shape inputShape(Config config, DataSpec data);
}
