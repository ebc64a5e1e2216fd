package org.cerebro.train;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Builds trainables from their {@link TrainableSpec} in a process that did not create them (a
 * cluster worker, a Spark executor). Registered through
 * {@code META-INF/services/org.cerebro.train.TrainableFactory}; the core registers the
 * {@code "class"} kind, {@code cerebro-djl} the {@code "djl"} kind.
 */
public interface TrainableFactory {
    /** The kind of spec this factory builds, e.g. "djl". */
    String kind();

    /**
     * A trainable equal to the one that made {@code spec}.
     *
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    Trainable create(TrainableSpec spec);

    /**
     * Builds the trainable {@code spec} describes with the factory of its kind found on
     * {@code loader}'s class path.
     *
     * @throws IllegalArgumentException when no factory has that kind (naming those there are), or it fails
     */
    static Trainable build(TrainableSpec spec, ClassLoader loader) {
        List<String> kinds = new ArrayList<>();
        for (TrainableFactory factory : ServiceLoader.load(TrainableFactory.class, loader)) {
            if (factory.kind().equals(spec.kind())) {
                return factory.create(spec);
            }
            kinds.add(factory.kind());
        }
        throw new IllegalArgumentException("no trainable factory of kind \"" + spec.kind() + "\" on this class path"
            + " (found " + kinds + "): add the module that provides it (e.g. org.cerebro:cerebro-djl for \"djl\")");
    }
}
