package org.cerebro.train;

/**
 * The device a worker trains on.
 *
 * @param kind  "cpu" or "gpu"
 * @param index the device's index among those of its kind (0 for the CPU)
 */
public record WorkerDevice(String kind, int index) {
    /** The CPU. */
    public static final WorkerDevice CPU = new WorkerDevice("cpu", 0);

    /** GPU {@code index}. */
    public static WorkerDevice gpu(int index) {
        return new WorkerDevice("gpu", index);
    }
}
