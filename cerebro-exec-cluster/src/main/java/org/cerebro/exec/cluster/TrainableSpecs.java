package org.cerebro.exec.cluster;

import java.lang.reflect.Constructor;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.ModelFactory;
import org.cerebro.train.Trainable;

/**
 * How a worker builds the coordinator's trainable: a spec string naming classes on the worker's
 * class path, since code does not travel. {@code "class:<name>"} is a {@link Trainable} with a
 * no-argument constructor; {@code "djl:<name>"} is a {@link DjlTrainable} over a
 * {@link ModelFactory} with a no-argument constructor (the zoo's models are such classes). A lambda
 * or an anonymous class is refused: it has no name a worker could load.
 */
final class TrainableSpecs {
    private TrainableSpecs() {
    }

    /**
     * The spec of {@code trainable}.
     *
     * @throws IllegalArgumentException when it cannot be rebuilt on a worker, saying why
     */
    static String of(Trainable trainable) {
        if (trainable instanceof DjlTrainable djl) {
            return "djl:" + loadableName(djl.factory().getClass(), "ModelFactory");
        }
        return "class:" + loadableName(trainable.getClass(), "Trainable");
    }

    private static String loadableName(Class<?> type, String what) {
        if (type.isSynthetic() || type.getName().contains("$$Lambda") || type.isAnonymousClass()
            || type.isLocalClass()) {
            throw new IllegalArgumentException("the " + what + " " + type.getName() + " is a lambda or an anonymous or"
                + " local class: its code exists only in this JVM, so a cluster worker cannot build it. Write it as a"
                + " named class with a no-argument constructor and put it on the workers' class path"
                + (what.equals("ModelFactory") ? ", or use a built-in Zoo model" : ""));
        }
        try {
            type.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("the " + what + " " + type.getName() + " has no no-argument constructor:"
                + " a cluster worker builds it by name");
        }
        return type.getName();
    }

    /**
     * Builds the trainable a spec names, on a worker.
     *
     * @throws IllegalArgumentException naming the class that is missing or cannot be built
     */
    static Trainable create(String spec) {
        if (spec.startsWith("djl:")) {
            return new DjlTrainable(instantiate(spec.substring(4), ModelFactory.class));
        }
        if (spec.startsWith("class:")) {
            return instantiate(spec.substring(6), Trainable.class);
        }
        throw new IllegalArgumentException("trainable spec \"" + spec + "\" expected djl:<ModelFactory class> or"
            + " class:<Trainable class>");
    }

    private static <T> T instantiate(String name, Class<T> kind) {
        try {
            Class<?> type = Class.forName(name);
            if (!kind.isAssignableFrom(type)) {
                throw new IllegalArgumentException("class " + name + " is not a " + kind.getSimpleName());
            }
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return kind.cast(constructor.newInstance());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("class " + name + " is not on this worker's class path", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot build " + name + " with its no-argument constructor: " + e, e);
        }
    }
}
