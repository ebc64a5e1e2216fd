package org.cerebro.plan;

import java.nio.file.Path;
import java.util.List;
import org.cerebro.data.Dataset;
import org.cerebro.space.Config;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;

/**
 * What a search asks its planner to lower: the model to profile and the stage's demand, with the
 * facts of the machine it runs on.
 *
 * @param trainable               what trains
 * @param sampleConfigs           configs to profile the model with (a few sampled from the space:
 *                                configs differ in cost, and the stage runs many of them)
 * @param data                    the data's shape
 * @param sample                  a small slice of the training data to profile on
 * @param epochsPerTrial          the stage's demand: epochs per trial
 * @param records                 training records
 * @param validationRecords       validation records (evaluated every epoch)
 * @param dataBytes               bytes of the training data
 * @param batchSize               mini-batch size
 * @param workers                 number of workers
 * @param partitions              training partitions
 * @param replicas                copies of each partition the executor keeps
 * @param device                  device kind, e.g. "cpu"
 * @param memoryPerWorker         bytes each worker may use
 * @param bandwidthBytesPerSecond how fast states move between workers
 * @param bandwidthSource         how that bandwidth was obtained
 * @param profileCache            a file to cache profiles in across runs, or null for none
 * @param operators               the operators the executor runs (data parallelism is profiled
 *                                only when it runs it)
 * @param threads                 the thread split already chosen (a re-planning keeps the first
 *                                plan's: changing it mid-search could change results), or null to
 *                                let the planner measure one
 */
public record PlanningRequest(Trainable trainable, List<Config> sampleConfigs, DataSpec data, Dataset sample,
                              List<Integer> epochsPerTrial, long records, long validationRecords, long dataBytes,
                              int batchSize, int workers, int partitions, int replicas, String device, long memoryPerWorker,
                              double bandwidthBytesPerSecond, String bandwidthSource, Path profileCache,
                              java.util.Set<Operator> operators, ThreadChoice threads) {
    /** Copies the demand. */
    public PlanningRequest {
        epochsPerTrial = List.copyOf(epochsPerTrial);
        sampleConfigs = List.copyOf(sampleConfigs);
        operators = java.util.Set.copyOf(operators);
        if (sampleConfigs.isEmpty()) {
            throw new IllegalArgumentException("sampleConfigs is empty: expected at least one config to profile");
        }
    }

    /** This request for another stage's demand (a re-planning as the search narrows). */
    public PlanningRequest withDemand(List<Integer> epochs) {
        return new PlanningRequest(trainable, sampleConfigs, data, sample, epochs, records, validationRecords, dataBytes,
            batchSize, workers, partitions, replicas, device, memoryPerWorker, bandwidthBytesPerSecond, bandwidthSource,
            profileCache, operators, threads);
    }

    /** This request with the thread split fixed to {@code chosen}. */
    public PlanningRequest withThreads(ThreadChoice chosen) {
        return new PlanningRequest(trainable, sampleConfigs, data, sample, epochsPerTrial, records, validationRecords,
            dataBytes, batchSize, workers, partitions, replicas, device, memoryPerWorker, bandwidthBytesPerSecond,
            bandwidthSource, profileCache, operators, chosen);
    }

    /** The planning input for an already known profile. */
    public PlanningInput input(ModelProfile profile) {
        return input(profile, DataParallelProfile.unavailable("not measured"));
    }

    /** The planning input for already known profiles. */
    public PlanningInput input(ModelProfile profile, DataParallelProfile dataParallel) {
        return input(profile, dataParallel, ThreadChoice.even(workers, "not measured"));
    }

    /** The planning input for already known profiles and a thread split. */
    public PlanningInput input(ModelProfile profile, DataParallelProfile dataParallel, ThreadChoice threads) {
        return new PlanningInput(epochsPerTrial, records, validationRecords, dataBytes, batchSize, workers, partitions,
            replicas, device, memoryPerWorker, bandwidthBytesPerSecond, bandwidthSource, profile, dataParallel, threads);
    }

    /** Why data-parallel plans are impossible for this request, or null when they are possible. */
    public String dataParallelImpossible() {
        if (workers < 2) {
            return "one worker: nothing to parallelise";
        }
        if (!operators.contains(Operator.DATA_PARALLEL)) {
            return "the executor does not run data-parallel epochs";
        }
        if (!trainable.dataParallel()) {
            return "trainable " + trainable.name() + " does not train data-parallel (Trainable.dataParallel())";
        }
        return null;
    }
}
