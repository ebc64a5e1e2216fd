package org.cerebro.space;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A typed hyperparameter: a name and a domain, validated when built. Read its value from a
 * {@link Config} with {@code config.get(param)}, no cast needed.
 *
 * <pre>{@code
 * HParam<Double>  lr     = HParam.logUniform("lr", 1e-4, 1e-1);   // uniform in log10 space
 * HParam<Integer> hidden = HParam.choice("hidden", 0, 64, 128);
 * HParam<Integer> layers = HParam.intRange("layers", 1, 4);          // inclusive
 * HParam<Double>  drop   = HParam.uniform("dropout", 0, 0.5).gridPoints(3);
 * HParam<Double>  moment = HParam.uniform("momentum", 0.5, 0.99).when("optimizer", "sgd");   // conditional
 * }</pre>
 *
 * <p>A <b>conditional</b> parameter ({@link #when}) exists only in configs whose parent parameter
 * has one of the given values: a config without it does not carry it at all (read it with
 * {@code config.getOrDefault(param, fallback)}), and a grid never lists two configs that differ
 * only in an inactive parameter.
 *
 * <p>Grid search enumerates choices, constants and integer ranges as they are; a continuous
 * parameter needs {@link #gridPoints(int)}. Immutable and thread-safe.
 *
 * @param <T> the value type
 */
public final class HParam<T> {
    /** The kind of domain. */
    public enum Kind {
        /** One of a list of values. */
        CHOICE,
        /** A double, uniform in [min, max] (or in log10 space), optionally quantised. */
        CONTINUOUS,
        /** An integer in [min, max] inclusive (optionally log-scaled), optionally quantised. */
        INTEGER,
        /** Always the same value. */
        CONSTANT
    }

    private final String name;
    private final Kind kind;
    private final Class<?> valueType;
    private final List<T> values;   // CHOICE, CONSTANT
    private final double min;
    private final double max;
    private final boolean log;
    private final double quantum;   // 0 = none
    private final int gridPoints;   // 0 = natural grid (or none for CONTINUOUS)
    private final String parent;     // null = always active
    private final List<Object> parentValues;

    private HParam(String name, Kind kind, Class<?> valueType, List<T> values, double min, double max, boolean log,
                   double quantum, int gridPoints) {
        this(name, kind, valueType, values, min, max, log, quantum, gridPoints, null, List.of());
    }

    private HParam(String name, Kind kind, Class<?> valueType, List<T> values, double min, double max, boolean log,
                   double quantum, int gridPoints, String parent, List<Object> parentValues) {
        this.parent = parent;
        this.parentValues = parentValues;
        this.name = name;
        this.kind = kind;
        this.valueType = valueType;
        this.values = values;
        this.min = min;
        this.max = max;
        this.log = log;
        this.quantum = quantum;
        this.gridPoints = gridPoints;
    }

    /** One of {@code values}, each equally likely; the grid is the list in order. */
    @SafeVarargs
    public static <T> HParam<T> choice(String name, T... values) {
        checkName(name);
        Objects.requireNonNull(values, "values of " + name);
        return choice(name, java.util.Arrays.asList(values));
    }

    /** One of {@code values}, each equally likely; the grid is the list in order. */
    public static <T> HParam<T> choice(String name, List<T> values) {
        checkName(name);
        Objects.requireNonNull(values, "values of " + name);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("hyperparameter " + name + ": choice is empty, expected at least one value");
        }
        Class<?> type = commonType(name, values);
        if (new HashSet<>(values).size() != values.size()) {
            throw new IllegalArgumentException("hyperparameter " + name + ": choice has duplicate values " + values);
        }
        return new HParam<>(name, Kind.CHOICE, type, List.copyOf(values), 0, 0, false, 0, 0);
    }

    /** Always {@code value}. */
    public static <T> HParam<T> constant(String name, T value) {
        checkName(name);
        return new HParam<>(name, Kind.CONSTANT, commonType(name, java.util.Collections.singletonList(value)),
            List.of(value), 0, 0, false, 0, 0);
    }

    /** A double uniform in {@code [min, max)}. */
    public static HParam<Double> uniform(String name, double min, double max) {
        return continuous(name, min, max, false, 0);
    }

    /**
     * A double whose base-10 logarithm is uniform: {@code 10^u} with {@code u} uniform in
     * {@code [log10(min), log10(max))}. Both bounds must be positive.
     */
    public static HParam<Double> logUniform(String name, double min, double max) {
        return continuous(name, min, max, true, 0);
    }

    /** A uniform double rounded to a multiple of {@code quantum}, kept within [min, max]. */
    public static HParam<Double> quantizedUniform(String name, double min, double max, double quantum) {
        return continuous(name, min, max, false, quantum);
    }

    /** A log10-uniform double rounded to a multiple of {@code quantum}, kept within [min, max]. */
    public static HParam<Double> quantizedLogUniform(String name, double min, double max, double quantum) {
        return continuous(name, min, max, true, quantum);
    }

    /** An integer uniform in {@code [min, max]}, both inclusive; the grid is every integer. */
    public static HParam<Integer> intRange(String name, int min, int max) {
        return integer(name, min, max, false, 0);
    }

    /** An integer in {@code [min, max]} inclusive, log10-uniform (e.g. layer widths 16..1024). */
    public static HParam<Integer> intLogRange(String name, int min, int max) {
        return integer(name, min, max, true, 0);
    }

    /** An integer in {@code [min, max]} rounded to a multiple of {@code quantum} (e.g. batch sizes by 32). */
    public static HParam<Integer> quantizedIntRange(String name, int min, int max, int quantum) {
        return integer(name, min, max, false, quantum);
    }

    private static HParam<Double> continuous(String name, double min, double max, boolean log, double quantum) {
        checkName(name);
        checkRange(name, min, max, log);
        checkQuantum(name, quantum, min, max);
        return new HParam<>(name, Kind.CONTINUOUS, Double.class, List.of(), min, max, log, quantum, 0);
    }

    private static HParam<Integer> integer(String name, int min, int max, boolean log, int quantum) {
        checkName(name);
        checkRange(name, min, max, log);
        checkQuantum(name, quantum, min, max);
        return new HParam<>(name, Kind.INTEGER, Integer.class, List.of(), min, max, log, quantum, 0);
    }

    /**
     * This parameter with {@code points} grid points: evenly spaced from min to max (in log10
     * space for log parameters), quantised if it is. Required before a continuous parameter can be
     * part of a grid; optional for integer ranges.
     */
    public HParam<T> gridPoints(int points) {
        if (kind == Kind.CHOICE || kind == Kind.CONSTANT) {
            throw new IllegalArgumentException("hyperparameter " + name + ": gridPoints applies to ranges, not to a "
                + kind.name().toLowerCase(Locale.ROOT));
        }
        if (points < 2) {
            throw new IllegalArgumentException("hyperparameter " + name + ": gridPoints=" + points + " expected>=2");
        }
        HParam<T> gridded = new HParam<>(name, kind, valueType, values, min, max, log, quantum, points, parent,
            parentValues);
        if (kind == Kind.INTEGER || quantum > 0) {
            // rounding to integers or quanta can make grid points coincide: a grid never trains a config twice
            long distinct = kind == Kind.INTEGER && quantum == 0 ? (long) max - (long) min + 1
                : quantum > 0 ? (long) Math.floor(max / quantum) - (long) Math.ceil(min / quantum) + 1 : points;
            if (points > distinct) {
                throw new IllegalArgumentException("hyperparameter " + name + ": gridPoints=" + points + " but " + this
                    + " holds only " + distinct + " distinct values: ask for at most " + distinct);
            }
            if ((log || quantum > 0) && points > 1_000_000) {
                throw new IllegalArgumentException("hyperparameter " + name + ": gridPoints=" + points + " expected at"
                    + " most 1000000 on a log or quantised scale");
            }
            java.util.Set<Object> seen = new HashSet<>();
            for (int i = 0; (log || quantum > 0) && i < points; i++) {
                Object value = gridded.gridValue(i);
                if (!seen.add(value)) {
                    throw new IllegalArgumentException("hyperparameter " + name + ": gridPoints=" + points + " over "
                        + this + " rounds two points to " + value + ": ask for fewer points (at most " + seen.size()
                        + " are distinct here)");
                }
            }
        }
        return gridded;
    }

    /**
     * This parameter, existing only when parameter {@code parent} (declared before it in the
     * space) has one of {@code values}: e.g. {@code momentum} only for {@code optimizer=sgd}.
     *
     * @throws IllegalArgumentException without values, with a null or repeated one, or naming itself
     */
    public HParam<T> when(String parent, Object... values) {
        checkName(parent);
        if (parent.equals(name)) {
            throw new IllegalArgumentException("hyperparameter " + name + ": when(" + parent + ", ...) names itself");
        }
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("hyperparameter " + name + ": when(" + parent + ") needs at least one value"
                + " of " + parent);
        }
        List<Object> list = java.util.Arrays.asList(values);
        if (list.contains(null) || new HashSet<>(list).size() != list.size()) {
            throw new IllegalArgumentException("hyperparameter " + name + ": when(" + parent + ", " + list + ") expected"
                + " distinct non-null values");
        }
        return new HParam<>(name, kind, valueType, this.values, min, max, log, quantum, gridPoints, parent,
            List.copyOf(list));
    }

    /** The parameter this one depends on ({@link #when}), or null when it is always active. */
    public String parent() {
        return parent;
    }

    /** The parent's values under which this parameter is active (empty when always active). */
    public List<Object> parentValues() {
        return parentValues;
    }

    /** Whether this parameter is active given the values chosen so far (its parent's among them). */
    public boolean activeGiven(Map<String, ?> chosen) {
        return parent == null || chosen.containsKey(parent) && parentValues.contains(chosen.get(parent));
    }

    /** The name, unique within a space. */
    public String name() {
        return name;
    }

    /** The kind of domain. */
    public Kind kind() {
        return kind;
    }

    /** Whether the parameter is spread in log10 space (log-uniform and log ranges). */
    public boolean isLog() {
        return log;
    }

    /** The class of the values. */
    public Class<?> valueType() {
        return valueType;
    }

    /** Draws a value. */
    @SuppressWarnings("unchecked")
    public T sample(SplittableRandom random) {
        return switch (kind) {
            case CHOICE -> values.get(random.nextInt(values.size()));
            case CONSTANT -> values.get(0);
            case CONTINUOUS -> (T) Double.valueOf(quantize(log
                ? Math.pow(10, random.nextDouble(Math.log10(min), Math.log10(max)))
                : random.nextDouble(min, max)));
            case INTEGER -> {
                double x = log
                    ? Math.min(max, Math.floor(Math.pow(10, random.nextDouble(Math.log10(min), Math.log10(max + 1)))))
                    : random.nextLong((long) min, (long) max + 1); // as a long: max + 1 may not fit an int
                yield (T) Integer.valueOf((int) Math.round(quantize(x)));
            }
        };
    }

    /** Whether the grid of this parameter is defined: not for a continuous one without grid points. */
    public boolean hasGrid() {
        return kind != Kind.CONTINUOUS || gridPoints > 0;
    }

    /**
     * Number of grid values.
     *
     * @throws IllegalArgumentException for a continuous parameter without grid points
     */
    public long gridSize() {
        return switch (kind) {
            case CHOICE, CONSTANT -> values.size();
            case CONTINUOUS -> {
                if (gridPoints == 0) {
                    throw new IllegalArgumentException("hyperparameter " + name
                        + " is continuous: a grid needs a number of points, e.g. " + name + ".gridPoints(5)");
                }
                yield gridPoints;
            }
            case INTEGER -> gridPoints > 0 ? gridPoints
                : quantum > 0 ? integerQuantaCount() : (long) max - (long) min + 1;
        };
    }

    /** Grid value {@code i}, in {@code [0, gridSize())}. */
    @SuppressWarnings("unchecked")
    public T gridValue(long i) {
        long size = gridSize();
        Objects.checkIndex(i, size);
        return switch (kind) {
            case CHOICE, CONSTANT -> values.get((int) i);
            case CONTINUOUS -> (T) Double.valueOf(quantize(spaced(i, size)));
            case INTEGER -> {
                if (gridPoints > 0) {
                    yield (T) Integer.valueOf((int) Math.round(quantize(spaced(i, size))));
                }
                yield (T) Integer.valueOf(quantum > 0 ? firstQuantum() + (int) (i * quantum) : (int) min + (int) i);
            }
        };
    }

    private double spaced(long i, long size) {
        double t = (double) i / (size - 1);
        return log ? Math.pow(10, Math.log10(min) + t * (Math.log10(max) - Math.log10(min))) : min + t * (max - min);
    }

    private double quantize(double x) {
        if (quantum == 0) {
            return Math.min(max, Math.max(min, x));
        }
        double q = Math.round(x / quantum) * quantum;
        while (q < min - 1e-12) {
            q += quantum;
        }
        while (q > max + 1e-12) {
            q -= quantum;
        }
        return q;
    }

    private int firstQuantum() {
        return (int) (Math.ceil(min / quantum) * quantum);
    }

    private long integerQuantaCount() {
        return ((long) Math.floor(max / quantum) - (long) Math.ceil(min / quantum)) + 1;
    }

    /**
     * The lower end of a numeric parameter's range in its model coordinate, the line a model-based
     * sampler (TPE) fits densities on: log10 of the value for log parameters, the value itself
     * otherwise; integers extend half a step either side so that each integer owns an equal
     * stretch. Not for choices and constants.
     */
    public double lowCoordinate() {
        checkNumeric();
        return kind == Kind.INTEGER ? log ? Math.log10(min) : min - 0.5 : log ? Math.log10(min) : min;
    }

    /** The upper end of the model coordinate's range: see {@link #lowCoordinate()}. */
    public double highCoordinate() {
        checkNumeric();
        return kind == Kind.INTEGER ? log ? Math.log10(max + 1) : max + 0.5 : log ? Math.log10(max) : max;
    }

    /** A numeric value's model coordinate: see {@link #lowCoordinate()}. */
    public double coordinate(Object value) {
        checkNumeric();
        double x = ((Number) value).doubleValue();
        return log ? (kind == Kind.INTEGER ? Math.log10(x + 0.5) : Math.log10(x)) : x;
    }

    /** The value of this parameter at model coordinate {@code x} (clamped to the range, rounded, quantized). */
    @SuppressWarnings("unchecked")
    public T atCoordinate(double x) {
        checkNumeric();
        double clamped = Math.max(lowCoordinate(), Math.min(highCoordinate(), x));
        if (kind == Kind.CONTINUOUS) {
            return (T) Double.valueOf(quantize(log ? Math.pow(10, clamped) : clamped));
        }
        double value = log ? Math.floor(Math.pow(10, clamped)) : Math.round(clamped);
        return (T) Integer.valueOf((int) Math.round(quantize(Math.max(min, Math.min(max, value)))));
    }

    private void checkNumeric() {
        if (kind != Kind.CONTINUOUS && kind != Kind.INTEGER) {
            throw new IllegalStateException("hyperparameter " + name + " is a " + kind + ", not numeric");
        }
    }

    /** Whether {@code value} belongs to this parameter's domain (its grid points or range). */
    public boolean contains(Object value) {
        return switch (kind) {
            case CHOICE, CONSTANT -> values.contains(value);
            case CONTINUOUS -> value instanceof Double d && d >= min && d <= max;
            case INTEGER -> value instanceof Integer n && n >= min && n <= max;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HParam<?> p && p.name.equals(name) && p.kind == kind && p.values.equals(values)
            && p.min == min && p.max == max && p.log == log && p.quantum == quantum && p.gridPoints == gridPoints
            && Objects.equals(p.parent, parent) && p.parentValues.equals(parentValues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, kind, values, min, max, log, quantum, gridPoints, parent, parentValues);
    }

    @Override
    public String toString() {
        String base = switch (kind) {
            case CHOICE -> "choice" + values;
            case CONSTANT -> "constant(" + values.get(0) + ")";
            case CONTINUOUS -> (log ? "logUniform(" : "uniform(") + plain(min) + ", " + plain(max) + ")";
            case INTEGER -> (log ? "intLogRange(" : "intRange(") + (int) min + ", " + (int) max + ")";
        };
        return name + "=" + base + (quantum > 0 ? " q=" + quantum : "") + (gridPoints > 0 ? " gridPoints=" + gridPoints : "")
            + (parent == null ? "" : " when " + parent + " in " + parentValues);
    }

    /** A bound as written, every digit kept but no exponent: 3.0E-4 is 0.0003. */
    private static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("hyperparameter name=\"" + name + "\" expected non-blank");
        }
    }

    private static void checkRange(String name, double min, double max, boolean log) {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("hyperparameter " + name + ": min=" + min + " max=" + max
                + " expected finite bounds");
        }
        if (min >= max) {
            throw new IllegalArgumentException("hyperparameter " + name + ": min=" + min + " max=" + max
                + " expected min < max");
        }
        if (log && min <= 0) {
            throw new IllegalArgumentException("hyperparameter " + name + ": log range min=" + min
                + " expected > 0 (a log10 scale excludes values <= 0)");
        }
    }

    private static void checkQuantum(String name, double quantum, double min, double max) {
        if (quantum < 0 || !Double.isFinite(quantum)) {
            throw new IllegalArgumentException("hyperparameter " + name + ": quantum=" + quantum + " expected > 0");
        }
        if (quantum > 0 && Math.floor(max / quantum) < Math.ceil(min / quantum)) {
            throw new IllegalArgumentException("hyperparameter " + name + ": quantum=" + quantum
                + " has no multiple within [" + min + ", " + max + "]");
        }
    }

    /** The values' common class (Object when they differ), each value checked to be of a {@link ValueType}. */
    private static Class<?> commonType(String name, List<?> values) {
        Class<?> type = null;
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            if (value == null) {
                throw new IllegalArgumentException("hyperparameter " + name + ": value " + i + " of " + values.size()
                    + " is null; expected " + ValueType.ACCEPTED);
            }
            try {
                ValueType.of(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("hyperparameter " + name + ": value " + i + " " + e.getMessage());
            }
            Class<?> own = value instanceof Enum<?> constant ? constant.getDeclaringClass() : value.getClass();
            type = type == null || type == own ? own : Object.class;
        }
        return type;
    }

    /** The values of a choice or constant (empty for ranges). */
    public List<T> values() {
        return values;
    }
}
