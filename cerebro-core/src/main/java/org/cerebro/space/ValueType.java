package org.cerebro.space;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * The value types a hyperparameter may take, and the one place that knows how each is written:
 * its canonical text (config ids and EXPLAIN), its JSON, and its bytes on the wire and in the
 * experiment catalog. Every value round-trips exactly: a {@code Float} stays a {@code Float}, an
 * enum constant comes back as the same constant (its class must be on the reader's class path).
 *
 * <pre>
 *  wire form: int8 tag | payload
 *    'I' int32 | 'L' int64 | 'F' float32 | 'D' float64 | 'B' int8 (0/1) | 'S' UTF | 'E' UTF class | UTF constant
 * </pre>
 */
public enum ValueType {
    /** {@link Integer}. */
    INTEGER('I', Integer.class),
    /** {@link Long}. */
    LONG('L', Long.class),
    /** {@link Float}. */
    FLOAT('F', Float.class),
    /** {@link Double}. */
    DOUBLE('D', Double.class),
    /** {@link Boolean}. */
    BOOLEAN('B', Boolean.class),
    /** {@link String}. */
    STRING('S', String.class),
    /** Any enum constant. */
    ENUM('E', Enum.class);

    /** The types accepted, for error messages. */
    public static final String ACCEPTED = "Integer, Long, Float, Double, Boolean, String or an enum constant";

    private final byte tag;
    private final Class<?> type;

    ValueType(char tag, Class<?> type) {
        this.tag = (byte) tag;
        this.type = type;
    }

    /**
     * The type of {@code value}.
     *
     * @throws IllegalArgumentException for null or a type a hyperparameter cannot take
     */
    public static ValueType of(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value is null: expected " + ACCEPTED);
        }
        for (ValueType candidate : values()) {
            if (candidate.type.isInstance(value)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("value " + value + " is a " + value.getClass().getName() + ": expected "
            + ACCEPTED);
    }

    /** The Java class of this type's values ({@link Enum} for enums). */
    public Class<?> javaType() {
        return type;
    }

    /** The canonical text of {@code value}: numbers and booleans plain, strings and enum constants quoted and escaped. */
    public String canonical(Object value) {
        return switch (this) {
            case INTEGER, LONG, FLOAT, DOUBLE, BOOLEAN -> value.toString();
            case STRING -> quote((String) value);
            case ENUM -> quote(((Enum<?>) value).name());
        };
    }

    /** {@code value} as JSON: like {@link #canonical}, but a non-finite float is {@code null} (JSON has none). */
    public String json(Object value) {
        if (this == DOUBLE && !Double.isFinite((Double) value) || this == FLOAT && !Float.isFinite((Float) value)) {
            return "null";
        }
        return canonical(value);
    }

    /** Any value as JSON ({@link #of} then {@link #json}). */
    public static String toJson(Object value) {
        return of(value).json(value);
    }

    /** Writes {@code value}'s tag and payload. */
    public static void write(DataOutput out, Object value) throws IOException {
        ValueType type = of(value);
        out.writeByte(type.tag);
        switch (type) {
            case INTEGER -> out.writeInt((Integer) value);
            case LONG -> out.writeLong((Long) value);
            case FLOAT -> out.writeFloat((Float) value);
            case DOUBLE -> out.writeDouble((Double) value);
            case BOOLEAN -> out.writeByte((Boolean) value ? 1 : 0);
            case STRING -> out.writeUTF((String) value);
            case ENUM -> {
                Enum<?> constant = (Enum<?>) value;
                out.writeUTF(constant.getDeclaringClass().getName());
                out.writeUTF(constant.name());
            }
        }
    }

    /**
     * Reads a value {@link #write} wrote. An enum's class is looked up on {@code loader} without
     * running its initialiser unless it is an enum.
     *
     * @throws IOException for an unknown tag, a class that is missing or not an enum, or an unknown constant
     */
    public static Object read(DataInput in, ClassLoader loader) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case 'I':
                return in.readInt();
            case 'L':
                return in.readLong();
            case 'F':
                return in.readFloat();
            case 'D':
                return in.readDouble();
            case 'B':
                return in.readByte() != 0;
            case 'S':
                return in.readUTF();
            case 'E':
                return readEnum(in.readUTF(), in.readUTF(), loader);
            default:
                throw new IOException("unknown value tag=" + tag + " expected one of I L F D B S E");
        }
    }

    private static Object readEnum(String className, String constant, ClassLoader loader) throws IOException {
        Class<?> type;
        try {
            type = Class.forName(className, false, Objects.requireNonNull(loader, "loader"));
        } catch (ClassNotFoundException e) {
            throw new IOException("enum class " + className + " of value " + constant + " is not on this class path");
        }
        if (!type.isEnum()) {
            throw new IOException("class " + className + " is not an enum: a config value names only enum classes");
        }
        for (Object candidate : type.getEnumConstants()) {
            if (((Enum<?>) candidate).name().equals(constant)) {
                return candidate;
            }
        }
        throw new IOException("enum " + className + " has no constant " + constant);
    }

    /** {@code text} in double quotes, with quotes, backslashes and control characters escaped. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
