package org.cerebro.plan;

import java.util.List;

/**
 * Everything a planner needs to lower one logical stage.
 *
 * @param epochsPerTrial         for each trial of the stage, the epochs it may train (its demand)
 * @param records                training records
 * @param validationRecords      records every epoch is evaluated on
 * @param dataBytes              bytes of the training data in memory
 * @param batchSize              mini-batch size (for data parallelism's per-batch all-reduce)
 * @param workers                number of workers
 * @param partitions             training partitions (MOP's units per epoch)
 * @param replicas               workers holding (or reading) each partition under MOP
 * @param device                 the workers' device kind, e.g. "cpu"
 * @param memoryPerWorker        bytes of memory each worker can use for data and model states
 * @param bandwidthBytesPerSecond bytes per second a state or data moves between workers
 * @param bandwidthSource        how the bandwidth was obtained, for EXPLAIN
 * @param profile                the measured model profile
 * @param dataParallel           the measured data-parallel profile, or why there is none
 */
public record PlanningInput(List<Integer> epochsPerTrial, long records, long validationRecords, long dataBytes, int batchSize, int workers,
                            int partitions, int replicas, String device, long memoryPerWorker, double bandwidthBytesPerSecond, String bandwidthSource,
                            ModelProfile profile, DataParallelProfile dataParallel, ThreadChoice threads) {
    /** Validates the numbers. */
    public PlanningInput {
        java.util.Objects.requireNonNull(threads, "threads");
        epochsPerTrial = List.copyOf(epochsPerTrial);
        if (epochsPerTrial.isEmpty() || records < 1 || dataBytes < 1 || batchSize < 1 || workers < 1 || partitions < 1
            || replicas < 1
            || memoryPerWorker < 1 || !(bandwidthBytesPerSecond > 0)) {
            throw new IllegalArgumentException("planning input out of range: trials=" + epochsPerTrial.size() + " records="
                + records + " dataBytes=" + dataBytes + " batchSize=" + batchSize + " workers=" + workers
                + " memoryPerWorker=" + memoryPerWorker + " bandwidth=" + bandwidthBytesPerSecond);
        }
    }

    /** An input whose thread split was not measured: the cores split evenly between the workers. */
    public PlanningInput(List<Integer> epochsPerTrial, long records, long validationRecords, long dataBytes, int batchSize,
                         int workers, int partitions, int replicas, String device, long memoryPerWorker,
                         double bandwidthBytesPerSecond, String bandwidthSource, ModelProfile profile,
                         DataParallelProfile dataParallel) {
        this(epochsPerTrial, records, validationRecords, dataBytes, batchSize, workers, partitions, replicas, device,
            memoryPerWorker, bandwidthBytesPerSecond, bandwidthSource, profile, dataParallel,
            ThreadChoice.even(workers, "not measured"));
    }

    /** An input without a data-parallel profile: data-parallel plans are not considered. */
    public PlanningInput(List<Integer> epochsPerTrial, long records, long validationRecords, long dataBytes, int batchSize,
                         int workers, int partitions, int replicas, String device, long memoryPerWorker,
                         double bandwidthBytesPerSecond, String bandwidthSource, ModelProfile profile) {
        this(epochsPerTrial, records, validationRecords, dataBytes, batchSize, workers, partitions, replicas, device,
            memoryPerWorker, bandwidthBytesPerSecond, bandwidthSource, profile,
            DataParallelProfile.unavailable("not measured"));
    }

    /** Number of trials in the stage. */
    public int trials() {
        return epochsPerTrial.size();
    }
}
