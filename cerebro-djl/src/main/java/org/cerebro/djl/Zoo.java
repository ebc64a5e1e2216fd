package org.cerebro.djl;

import java.util.List;

/**
 * The built-in models, by name: "mlp" ({@link MlpFactory}) and "lenet" ({@link LeNetFactory}).
 */
public final class Zoo {
    private Zoo() {
    }

    /** The MLP. */
    public static ModelFactory mlp() {
        return new MlpFactory();
    }

    /** The LeNet-style CNN for 28×28 images. */
    public static ModelFactory lenet() {
        return new LeNetFactory();
    }

    /**
     * The built-in model called {@code name}.
     *
     * @throws IllegalArgumentException naming the models there are
     */
    public static ModelFactory byName(String name) {
        return switch (name) {
            case "mlp" -> mlp();
            case "lenet" -> lenet();
            default -> throw new IllegalArgumentException("model=\"" + name + "\" is not in the zoo: expected one of "
                + List.of("mlp", "lenet"));
        };
    }
}
