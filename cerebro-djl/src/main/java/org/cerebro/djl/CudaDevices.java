package org.cerebro.djl;

import ai.djl.util.cuda.CudaUtils;
import org.cerebro.train.DeviceProvider;

/** The GPUs CUDA reports, for {@code LocalExecutor.gpus()}; registered through {@code ServiceLoader}. */
public final class CudaDevices implements DeviceProvider {
    @Override
    public int gpuCount() {
        return CudaUtils.getGpuCount();
    }
}
