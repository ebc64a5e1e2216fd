package org.cerebro.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.cerebro.data.BatchAssembler;

/**
 * Turns the batch held by a {@link BatchAssembler} into tensors. The assembler's direct,
 * native-order buffers go to the engine as they are: no heap array is made on the way.
 *
 * <p>Thread-safe: stateless. The arrays belong to {@code manager}; close it to free them.
 */
public final class NdBatches {
    private NdBatches() {
    }

    /** The features of the last assembled batch, {@code [count, featureWidth]} float32. */
    public static NDArray features(BatchAssembler batch, NDManager manager, int featureWidth) {
        return manager.create(batch.features(), new Shape(batch.count(), featureWidth), DataType.FLOAT32);
    }

    /** The labels of the last assembled batch, {@code [count]} int32. */
    public static NDArray labels(BatchAssembler batch, NDManager manager) {
        return manager.create(batch.labels(), new Shape(batch.count()), DataType.INT32);
    }
}
