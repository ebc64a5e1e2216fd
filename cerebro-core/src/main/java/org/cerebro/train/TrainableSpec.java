package org.cerebro.train;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How another process rebuilds a {@link Trainable}: code does not travel, so a trainable names a
 * factory {@code kind} (a {@link TrainableFactory} registered through {@code ServiceLoader} where
 * the trainable runs) and the settings that factory needs. The core's kind {@code "class"} builds
 * a named class with a no-argument constructor ({@link #ofClass}); {@code cerebro-djl} registers
 * {@code "djl"}. Immutable.
 *
 * @param kind     the factory's kind
 * @param settings everything the factory needs to build an equal trainable, by name
 */
public record TrainableSpec(String kind, Map<String, String> settings) {
    /** The kind of the core's factory of named classes. */
    public static final String CLASS = "class";

    /** Validates and copies, sorted by name. */
    public TrainableSpec {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("trainable spec kind=\"" + kind + "\" expected a factory kind");
        }
        settings = Map.copyOf(new TreeMap<>(settings));
    }

    /**
     * The spec of {@code type}, built by its no-argument constructor.
     *
     * @throws IllegalArgumentException when {@code type} has no name another process could load
     *                                  (a lambda, an anonymous or local class) or no no-argument constructor
     */
    public static TrainableSpec ofClass(Class<?> type) {
        return new TrainableSpec(CLASS, Map.of("class", loadableName(type, "Trainable")));
    }

    /**
     * The name of {@code type} if another process can build it from its name alone.
     *
     * @param what what the class is, for the message (e.g. "ModelFactory")
     * @throws IllegalArgumentException saying why not
     */
    public static String loadableName(Class<?> type, String what) {
        Objects.requireNonNull(type, "type");
        if (type.isSynthetic() || type.getName().contains("$$Lambda") || type.isAnonymousClass() || type.isLocalClass()
            || type.isHidden()) {
            throw new IllegalArgumentException("the " + what + " " + type.getName() + " is a lambda or an anonymous or"
                + " local class: its code exists only in this JVM, so a worker in another process cannot build it."
                + " Write it as a named class with a no-argument constructor and put it on the workers' class path");
        }
        try {
            type.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("the " + what + " " + type.getName() + " has no no-argument constructor:"
                + " a worker in another process builds it by name");
        }
        return type.getName();
    }

    /**
     * The setting called {@code name}.
     *
     * @throws IllegalArgumentException when it is missing
     */
    public String setting(String name) {
        String value = settings.get(name);
        if (value == null) {
            throw new IllegalArgumentException("trainable spec " + this + " has no setting " + name);
        }
        return value;
    }

    @Override
    public String toString() {
        return kind + settings;
    }
}
