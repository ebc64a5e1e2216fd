package org.cerebro.optimizer.schedule;

import java.util.SplittableRandom;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.SearchBuilder;
import org.cerebro.data.Dataset;
import org.cerebro.data.Datasets;
import org.cerebro.exec.UnitWork;
import org.cerebro.exec.VisitPolicy;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.train.Metrics;

/**
 * A whole search on a {@link VirtualExecutor}: the real builder, driver, strategy and kernel, with
 * models whose cost and learning curve are synthetic. A model has a width (its cost per epoch is
 * proportional, as in the VLDB paper's zoo: 64 to 1,024 units, 0.5 to 8 virtual seconds per
 * epoch on a speed-1 worker) and a learning rate (its final accuracy peaks at lr = 0.01); each
 * unit's time is multiplied by a jitter drawn from {@code jitterSeed} and the unit, so two jitter
 * seeds time the same search differently, as two runs on real machines do.
 */
public final class SyntheticSearch {
    private static final HParam<Double> LR = HParam.logUniform("lr", 1e-4, 1.0);
    private static final HParam<Integer> WIDTH = HParam.choice("width", 64, 128, 256, 512, 1024);
    /** The space: a log-uniform learning rate and a width. */
    public static final SearchSpace SPACE = SearchSpace.of(LR, WIDTH);

    /** Never trains (the virtual executor does not call it); its epoch cost is the model's. */
    private static final org.cerebro.train.Trainable TRAINABLE = new org.cerebro.train.Trainable() {
        @Override
        public String name() {
            return "synthetic";
        }

        @Override
        public org.cerebro.train.TrainableState init(Config config, long seed, org.cerebro.train.DataSpec data) {
            return VirtualExecutor.trainable().init(config, seed, data);
        }

        @Override
        public org.cerebro.train.TrainableState restore(Config config, org.cerebro.train.DataSpec data, byte[] bytes) {
            return VirtualExecutor.trainable().restore(config, data, bytes);
        }

        @Override
        public double epochCost(Config config, org.cerebro.train.DataSpec data) {
            return epochSeconds(config);
        }
    };

    private SyntheticSearch() {
    }

    /**
     * A virtual executor of {@code workers} speed-1 workers (MOP, free visit order) whose units
     * vary by up to {@code jitter} (0.2: ±20%) around their cost, the variation drawn from
     * {@code jitterSeed}.
     */
    public static VirtualExecutor executor(int workers, double jitter, long jitterSeed) {
        return new VirtualExecutor(Cluster.homogeneous(workers), 1, VisitPolicy.FREE, unit -> {
            SplittableRandom random = new SplittableRandom(jitterSeed * 0x9E3779B97F4A7C15L
                ^ ((long) unit.trialId() << 40 ^ (long) unit.epoch() << 20 ^ unit.partition()));
            return epochSeconds(unit.config()) * (1 + jitter * (2 * random.nextDouble() - 1));
        }, SyntheticSearch::score).recording(false);
    }

    /** Virtual seconds of one epoch over all the data on a speed-1 worker. */
    public static double epochSeconds(Config config) {
        return config.get(WIDTH) / 128.0;
    }

    /** Validation accuracy after the unit's epoch: a learning curve toward a peak set by the learning rate. */
    static Metrics score(UnitWork unit) {
        double lr = unit.config().get(LR);
        double peak = 0.98 - 0.06 * Math.pow(Math.log10(lr) + 2, 2);
        double speed = 0.15 + 0.2 * Math.min(1, lr * 10);
        double noise = new SplittableRandom(unit.trialSeed() * 31 + unit.epoch()).nextGaussian() * 0.004;
        double accuracy = peak * (1 - Math.exp(-speed * unit.epoch())) + noise;
        return Metrics.of(1 - accuracy, accuracy);
    }

    /**
     * The search: the strategy and seed are the caller's, the executor is {@code executor} under
     * MOP with one partition per worker, over a few stand-in records (nothing trains).
     */
    public static SearchBuilder search(VirtualExecutor executor, Dataset standIn) {
        return Cerebro.search(SPACE).trainable(TRAINABLE).data(standIn, standIn)
            .objective(Objective.maximize("accuracy")).executor(executor).operator(org.cerebro.plan.Operator.MOP)
            .partitions(executor.workers()).progress(false).keepModels(0);
    }

    /** Stand-in records for {@link #search}: one per partition, for up to {@code workers} workers. */
    public static Dataset standIn(int workers) {
        float[][] features = new float[workers][1];
        return Datasets.fromArrays("stand-in", features, new int[workers], 2, org.cerebro.data.Storage.direct());
    }
}
