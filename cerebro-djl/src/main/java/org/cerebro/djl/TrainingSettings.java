package org.cerebro.djl;

import java.util.List;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;

/**
 * How a DJL trial trains, read from its config with defaults: {@link #OPTIMIZER} ("adam",
 * default, or "sgd"), {@link #LEARNING_RATE} (1e-3 for Adam, 0.01 for SGD),
 * {@link #WEIGHT_DECAY} (0), {@link #MOMENTUM} (SGD only, 0.9), {@link #BATCH_SIZE} (64), and
 * {@link #LOSS} ("softmax_cross_entropy", the only one so far).
 *
 * @param optimizer    "adam" or "sgd"
 * @param learningRate the learning rate
 * @param weightDecay  L2 weight decay
 * @param momentum     SGD momentum
 * @param batchSize    records per mini-batch
 */
public record TrainingSettings(String optimizer, float learningRate, float weightDecay, float momentum, int batchSize) {
    /** The optimizer. */
    public static final HParam<String> OPTIMIZER = HParam.choice("optimizer", "adam", "sgd");
    /** The learning rate. */
    public static final HParam<Double> LEARNING_RATE = HParam.logUniform("lr", 1e-5, 1.0);
    /** L2 weight decay. */
    public static final HParam<Double> WEIGHT_DECAY = HParam.logUniform("weight_decay", 1e-7, 1e-2);
    /** SGD momentum. */
    public static final HParam<Double> MOMENTUM = HParam.uniform("momentum", 0.0, 0.99);
    /** Mini-batch size. */
    public static final HParam<Integer> BATCH_SIZE = HParam.choice("batch_size", 32, 64, 128, 256);
    /** The loss. */
    public static final HParam<String> LOSS = HParam.choice("loss", "softmax_cross_entropy");

    static final List<String> OPTIMIZERS = List.of("adam", "sgd");

    /**
     * Reads the settings of {@code config}.
     *
     * @throws IllegalArgumentException for an unknown optimizer or loss, or a value out of range
     */
    public static TrainingSettings of(Config config) {
        String optimizer = config.getOrDefault(OPTIMIZER, "adam");
        if (!OPTIMIZERS.contains(optimizer)) {
            throw new IllegalArgumentException("config optimizer=\"" + optimizer + "\" is not supported: expected one of "
                + OPTIMIZERS);
        }
        String loss = config.getOrDefault(LOSS, "softmax_cross_entropy");
        if (!loss.equals("softmax_cross_entropy")) {
            throw new IllegalArgumentException("config loss=\"" + loss + "\" is not supported: expected softmax_cross_entropy");
        }
        double lr = config.getOrDefault(LEARNING_RATE, optimizer.equals("adam") ? 1e-3 : 0.01);
        double weightDecay = config.getOrDefault(WEIGHT_DECAY, 0.0);
        double momentum = config.getOrDefault(MOMENTUM, 0.9);
        int batchSize = config.getOrDefault(BATCH_SIZE, 64);
        if (!(lr > 0) || weightDecay < 0 || momentum < 0 || momentum >= 1 || batchSize < 1) {
            throw new IllegalArgumentException("config " + config.canonical() + ": expected lr>0, weight_decay>=0,"
                + " 0<=momentum<1, batch_size>=1; got lr=" + lr + " weight_decay=" + weightDecay + " momentum=" + momentum
                + " batch_size=" + batchSize);
        }
        return new TrainingSettings(optimizer, (float) lr, (float) weightDecay, (float) momentum, batchSize);
    }
}
