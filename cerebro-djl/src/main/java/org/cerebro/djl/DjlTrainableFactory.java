package org.cerebro.djl;

import org.cerebro.train.ClassTrainableFactory;
import org.cerebro.train.Trainable;
import org.cerebro.train.TrainableFactory;
import org.cerebro.train.TrainableSpec;

/**
 * Rebuilds a {@link DjlTrainable} from its {@code "djl"} spec in another process: the
 * {@link ModelFactory} class by its no-argument constructor (checked to be a concrete
 * {@code ModelFactory} before it is initialised) and the gradient mode.
 */
public final class DjlTrainableFactory implements TrainableFactory {
    /** The spec kind. */
    public static final String KIND = "djl";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Trainable create(TrainableSpec spec) {
        ModelFactory factory = ClassTrainableFactory.instantiate(spec.setting("factory"), ModelFactory.class,
            Thread.currentThread().getContextClassLoader());
        GradientMode mode;
        try {
            mode = GradientMode.valueOf(spec.setting("gradientMode"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("djl spec " + spec + ": gradientMode expected one of "
                + java.util.Arrays.toString(GradientMode.values()));
        }
        return new DjlTrainable(factory).withGradientMode(mode);
    }
}
