package org.cerebro.space;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One point of a search space: a value per hyperparameter, read with typed keys:
 * {@code double lr = config.get(LR);}. Immutable and thread-safe.
 *
 * <p>Its {@linkplain #canonical() canonical form} lists {@code name=value} pairs sorted by name
 * (numbers in Java's shortest round-trip form, strings quoted), and its {@linkplain #id() id} is
 * derived from that form alone, so the same config has the same id in every run and JVM.
 */
public final class Config {
    private final Map<String, Object> values;
    private final String canonical;
    private final String id;

    Config(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        this.canonical = canonicalForm(this.values);
        this.id = digest(canonical);
    }

    /**
     * A config of plain values, e.g. for a fixed configuration. Values must be of a
     * {@link ValueType}: Integer, Long, Float, Double, Boolean, String or an enum constant.
     *
     * @throws IllegalArgumentException for a blank name, a null value or a value of another type
     */
    public static Config of(Map<String, ?> values) {
        values.forEach((name, value) -> {
            if (name == null || name.isBlank() || value == null) {
                throw new IllegalArgumentException("config entry " + name + "=" + value + " expected a name and a value");
            }
            try {
                ValueType.of(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("config entry " + name + ": " + e.getMessage());
            }
        });
        return new Config(new LinkedHashMap<>(values));
    }

    /**
     * The config as bytes, every value with its type ({@link ValueType#write}): what crosses the
     * wire to a cluster worker and what the experiment catalog stores.
     *
     * <pre>int32 count | count x (UTF name | value)</pre>
     */
    public byte[] toBytes() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(32 + 24 * values.size());
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(values.size());
            for (Map.Entry<String, Object> entry : values.entrySet()) {
                out.writeUTF(entry.getKey());
                ValueType.write(out, entry.getValue());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // in memory: cannot happen
        }
        return bytes.toByteArray();
    }

    /**
     * A config from {@link #toBytes()}; enum classes are looked up on {@code loader}.
     *
     * @throws IllegalArgumentException when the bytes are truncated, have trailing bytes, or hold
     *                                  a value that cannot be read here, saying which
     */
    public static Config fromBytes(byte[] bytes, ClassLoader loader) {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            if (count < 0 || count > 10_000) {
                throw new IllegalArgumentException("config bytes hold count=" + count + " expected 0..10000");
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                values.put(name, ValueType.read(in, loader));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("config bytes have " + in.available() + " trailing bytes");
            }
            return of(values);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("config bytes (length=" + bytes.length + ") are not a config: "
                + e.getMessage(), e);
        }
    }

    /**
     * The value of {@code param}, looked up by its name.
     *
     * @throws IllegalArgumentException when this config has no such parameter or its value has
     *                                  another type
     */
    @SuppressWarnings("unchecked")
    public <T> T get(HParam<T> param) {
        Object value = values.get(param.name());
        if (value == null) {
            throw new IllegalArgumentException("config " + canonical + " has no hyperparameter " + param.name()
                + (param.parent() == null ? "" : " (it exists only when " + param.parent() + " is in "
                + param.parentValues() + ": read it with getOrDefault)"));
        }
        return (T) checkType(param, value);
    }

    /** The value of {@code param}, or {@code fallback} when this config has no such parameter. */
    @SuppressWarnings("unchecked")
    public <T> T getOrDefault(HParam<T> param, T fallback) {
        Object value = values.get(param.name());
        return value == null ? fallback : (T) checkType(param, value);
    }

    /** Whether a parameter of that name is set. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The values by name, sorted by name. */
    public Map<String, Object> values() {
        return values;
    }

    /** The canonical form, e.g. {@code hidden=64, lr=0.01, optimizer="adam"}. */
    public String canonical() {
        return canonical;
    }

    /** A stable id: the first 16 hex digits of the SHA-256 of the canonical form. */
    public String id() {
        return id;
    }

    private Object checkType(HParam<?> param, Object value) {
        Class<?> expected = param.valueType();
        if (expected != Object.class && !expected.isInstance(value)) {
            throw new IllegalArgumentException("config hyperparameter " + param.name() + "=" + value + " is a "
                + value.getClass().getSimpleName() + ", read as " + expected.getSimpleName());
        }
        return value;
    }


    private static String canonicalForm(Map<String, Object> sorted) {
        StringBuilder out = new StringBuilder();
        sorted.forEach((name, value) -> {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append(name).append('=').append(ValueType.of(value).canonical(value));
        });
        return out.toString();
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(16);
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", hash[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Config c && c.canonical.equals(canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    @Override
    public String toString() {
        return "{" + canonical + "}";
    }
}
