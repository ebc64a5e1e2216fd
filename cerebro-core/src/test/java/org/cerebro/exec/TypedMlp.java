package org.cerebro.exec;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.train.DataSpec;
import org.cerebro.train.MlpTrainable;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableState;

/**
 * The pure-Java MLP driven by hyperparameters of every value type a search accepts: a Float
 * learning rate, a Long hidden width, a Boolean "momentum on", an enum batch size and an Integer
 * that is a Long elsewhere. Reading each with its own type fails loudly if a value arrives as
 * another type (a Float decoded as a Double, an enum as a String), so a search over {@link #SPACE}
 * succeeds on an executor only if every value crossed intact.
 */
public final class TypedMlp implements Trainable {
    /** Batch sizes, as an enum. */
    public enum Batch {
        /** 16 records. */
        SMALL(16),
        /** 32 records. */
        LARGE(32);

        final int size;

        Batch(int size) {
            this.size = size;
        }
    }

    static final HParam<Float> LR = HParam.choice("lr", 0.05f, 0.1f);
    static final HParam<Long> HIDDEN = HParam.choice("hidden", 0L, 8L);
    static final HParam<Boolean> MOMENTUM = HParam.choice("momentum_on", true, false);
    static final HParam<Batch> BATCH = HParam.choice("batch", Batch.SMALL, Batch.LARGE);

    /** The space over every value type. */
    public static final SearchSpace SPACE = SearchSpace.of(LR, HIDDEN, MOMENTUM, BATCH);

    private final MlpTrainable inner = new MlpTrainable();

    @Override
    public String name() {
        return "typed-mlp";
    }

    /** The plain MLP's config: every typed value read with its own type. */
    private static Config plain(Config config) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("lr", (double) config.get(LR));
        values.put("hidden", Math.toIntExact(config.get(HIDDEN)));
        values.put("momentum", config.get(MOMENTUM) ? 0.9 : 0.0);
        values.put("batch_size", config.get(BATCH).size);
        return Config.of(values);
    }

    @Override
    public TrainableState init(Config config, long seed, DataSpec data) {
        return inner.init(plain(config), seed, data);
    }

    @Override
    public TrainableState restore(Config config, DataSpec data, byte[] bytes) {
        return inner.restore(plain(config), data, bytes);
    }
}
