package org.cerebro.train;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;

/**
 * The {@code "class"} kind of {@link TrainableSpec}: a {@link Trainable} class named by its
 * binary name, built with its no-argument constructor. The class is checked before it is
 * initialised: a name that is not a concrete {@code Trainable} never runs its static
 * initialiser.
 */
public final class ClassTrainableFactory implements TrainableFactory {
    @Override
    public String kind() {
        return TrainableSpec.CLASS;
    }

    @Override
    public Trainable create(TrainableSpec spec) {
        return instantiate(spec.setting("class"), Trainable.class, Thread.currentThread().getContextClassLoader());
    }

    /**
     * A new {@code kind} by the no-argument constructor of the class called {@code name}, which
     * is checked to be a concrete subtype of {@code kind} before it is initialised.
     *
     * @throws IllegalArgumentException naming the class and what is wrong with it
     */
    public static <T> T instantiate(String name, Class<T> kind, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(name, false, loader == null ? ClassTrainableFactory.class.getClassLoader() : loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("class " + name + " is not on this class path (" + e + ")", e);
        }
        if (!kind.isAssignableFrom(type) || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException("class " + name + " is not a concrete " + kind.getSimpleName()
                + ": refused without initialising it");
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return kind.cast(constructor.newInstance());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot build " + name + " with its no-argument constructor: " + e, e);
        }
    }
}
