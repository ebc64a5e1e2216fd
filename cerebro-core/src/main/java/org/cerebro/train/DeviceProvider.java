package org.cerebro.train;

import java.util.ServiceLoader;

/**
 * Tells what accelerators this machine has, for executors that put a worker on each
 * ({@code LocalExecutor.gpus()}). An engine module registers one through
 * {@code META-INF/services/org.cerebro.train.DeviceProvider} ({@code cerebro-djl} asks CUDA);
 * without any, the machine has no GPU as far as Cerebro knows.
 */
public interface DeviceProvider {
    /** Number of GPUs this provider sees. */
    int gpuCount();

    /** The GPUs the first registered provider sees; 0 without a provider. */
    static int gpus() {
        for (DeviceProvider provider : ServiceLoader.load(DeviceProvider.class, DeviceProvider.class.getClassLoader())) {
            return provider.gpuCount();
        }
        return 0;
    }
}
