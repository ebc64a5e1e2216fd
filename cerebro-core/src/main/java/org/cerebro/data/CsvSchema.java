package org.cerebro.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The declared shape of a CSV file: its columns in file order (numeric, categorical, ignored and
 * exactly one label column) and its format quirks. Immutable; built with {@link #builder()}.
 *
 * <p>Encoding rules, applied by {@link CsvEncoder}:
 * <ul>
 *   <li>a numeric column becomes one float32 feature; a missing value takes the column's mean
 *       over the training file;</li>
 *   <li>a categorical column becomes one-hot features, one per category seen in the training
 *       file, sorted; a missing value is all zeros; an unknown one follows
 *       {@link UnknownCategoryPolicy} (default {@link UnknownCategoryPolicy#ERROR});</li>
 *   <li>the label column is a class: its classes are declared, or learned (sorted) from the
 *       training file; a missing or undeclared label is an error;</li>
 *   <li>blank lines are skipped; fields are trimmed unless told otherwise; double-quoted fields
 *       may hold the delimiter ({@code ""} is a quote).</li>
 * </ul>
 *
 * <pre>{@code
 * CsvSchema adult = CsvSchema.builder()
 *     .numeric("age").categorical("workclass").numeric("fnlwgt") ...
 *     .label("income")
 *     .missingToken("?").skipLinesStartingWith("|").stripLabelSuffix(".")
 *     .build();
 * }</pre>
 */
public final class CsvSchema {
    /** The role of a column. */
    public enum Kind {
        /** One float32 feature. */
        NUMERIC,
        /** One-hot features. */
        CATEGORICAL,
        /** The class label. */
        LABEL,
        /** Read and dropped. */
        IGNORED
    }

    /**
     * One column.
     *
     * @param name its name (checked against the header when there is one)
     * @param kind its role
     */
    public record Column(String name, Kind kind) {
    }

    private final List<Column> columns;
    private final int labelIndex;
    private final List<String> declaredClasses;
    private final char delimiter;
    private final boolean header;
    private final boolean trim;
    private final String missingToken;
    private final String skipPrefix;
    private final String labelSuffix;
    private final UnknownCategoryPolicy unknownCategories;

    private CsvSchema(Builder b) {
        this.columns = List.copyOf(b.columns);
        this.labelIndex = b.labelIndex;
        this.declaredClasses = b.declaredClasses == null ? null : List.copyOf(b.declaredClasses);
        this.delimiter = b.delimiter;
        this.header = b.header;
        this.trim = b.trim;
        this.missingToken = b.missingToken;
        this.skipPrefix = b.skipPrefix;
        this.labelSuffix = b.labelSuffix;
        this.unknownCategories = b.unknownCategories;
    }

    /** A new builder; at least one feature column and exactly one label column are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The columns in file order. */
    public List<Column> columns() {
        return columns;
    }

    /** Index of the label column. */
    public int labelIndex() {
        return labelIndex;
    }

    /** The declared classes in label order, or null when they are learned from the training file. */
    public List<String> declaredClasses() {
        return declaredClasses;
    }

    /** The field delimiter (default {@code ,}). */
    public char delimiter() {
        return delimiter;
    }

    /** Whether the first data line is a header (default false). */
    public boolean header() {
        return header;
    }

    /** Whether fields are trimmed of surrounding whitespace (default true). */
    public boolean trim() {
        return trim;
    }

    /** The token that marks a missing value (default the empty field). */
    public String missingToken() {
        return missingToken;
    }

    /** Lines starting with this prefix are skipped, or null (default). */
    public String skipPrefix() {
        return skipPrefix;
    }

    /** A suffix removed from label values when present (UCI Adult's test labels end in '.'), or null. */
    public String labelSuffix() {
        return labelSuffix;
    }

    /** What to do with a category the training file never had (default ERROR). */
    public UnknownCategoryPolicy unknownCategories() {
        return unknownCategories;
    }

    /**
     * Builds a {@link CsvSchema}. Column methods are called in file order; a setting given twice
     * or an impossible one fails at once with the setting's name.
     */
    public static final class Builder {
        private final List<Column> columns = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private final Set<String> settingsGiven = new HashSet<>();
        private int labelIndex = -1;
        private List<String> declaredClasses;
        private char delimiter = ',';
        private boolean header;
        private boolean trim = true;
        private String missingToken = "";
        private String skipPrefix;
        private String labelSuffix;
        private UnknownCategoryPolicy unknownCategories = UnknownCategoryPolicy.ERROR;

        private Builder() {
        }

        /** Next column: a numeric feature. */
        public Builder numeric(String name) {
            return column(name, Kind.NUMERIC);
        }

        /** Next columns: numeric features, in order. */
        public Builder numeric(String... names) {
            for (String name : names) {
                numeric(name);
            }
            return this;
        }

        /** Next column: a categorical feature, one-hot encoded. */
        public Builder categorical(String name) {
            return column(name, Kind.CATEGORICAL);
        }

        /** Next column: dropped. */
        public Builder ignore(String name) {
            return column(name, Kind.IGNORED);
        }

        /** Next column: the label, its classes learned (sorted) from the training file. */
        public Builder label(String name) {
            if (labelIndex >= 0) {
                throw new IllegalArgumentException("label column given twice: first="
                    + columns.get(labelIndex).name() + " second=" + name);
            }
            labelIndex = columns.size();
            return column(name, Kind.LABEL);
        }

        /** Next column: the label, with its classes declared; class i is label i. */
        public Builder label(String name, List<String> classes) {
            Objects.requireNonNull(classes, "classes");
            if (classes.isEmpty() || new HashSet<>(classes).size() != classes.size()) {
                throw new IllegalArgumentException("label=" + name + " classes=" + classes
                    + " expected a non-empty list without duplicates");
            }
            label(name);
            declaredClasses = List.copyOf(classes);
            return this;
        }

        /** The field delimiter (default ','). */
        public Builder delimiter(char delimiter) {
            once("delimiter");
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
                throw new IllegalArgumentException("delimiter='" + delimiter + "' is not allowed");
            }
            this.delimiter = delimiter;
            return this;
        }

        /** Whether the first data line is a header whose names must match the columns (default false). */
        public Builder header(boolean header) {
            once("header");
            this.header = header;
            return this;
        }

        /** Whether fields are trimmed (default true). */
        public Builder trim(boolean trim) {
            once("trim");
            this.trim = trim;
            return this;
        }

        /** The token that marks a missing value, e.g. "?" (default: the empty field). */
        public Builder missingToken(String token) {
            once("missingToken");
            this.missingToken = Objects.requireNonNull(token, "missingToken");
            return this;
        }

        /** Skip lines that start with this prefix (e.g. UCI Adult's "|1x3 Cross validator" line). */
        public Builder skipLinesStartingWith(String prefix) {
            once("skipLinesStartingWith");
            if (prefix == null || prefix.isEmpty()) {
                throw new IllegalArgumentException("skipLinesStartingWith=\"" + prefix + "\" expected a non-empty prefix");
            }
            this.skipPrefix = prefix;
            return this;
        }

        /** Remove this suffix from label values when present (e.g. "." for UCI Adult's test file). */
        public Builder stripLabelSuffix(String suffix) {
            once("stripLabelSuffix");
            if (suffix == null || suffix.isEmpty()) {
                throw new IllegalArgumentException("stripLabelSuffix=\"" + suffix + "\" expected a non-empty suffix");
            }
            this.labelSuffix = suffix;
            return this;
        }

        /** What to do with categories unseen in the training file (default ERROR). */
        public Builder unknownCategories(UnknownCategoryPolicy policy) {
            once("unknownCategories");
            this.unknownCategories = Objects.requireNonNull(policy, "unknownCategories");
            return this;
        }

        /** The schema; fails when there is no label or no feature column. */
        public CsvSchema build() {
            if (labelIndex < 0) {
                throw new IllegalArgumentException("no label column: call label(name) for the class column");
            }
            boolean anyFeature = columns.stream()
                .anyMatch(c -> c.kind() == Kind.NUMERIC || c.kind() == Kind.CATEGORICAL);
            if (!anyFeature) {
                throw new IllegalArgumentException("no feature column: declare numeric(...) or categorical(...) columns");
            }
            return new CsvSchema(this);
        }

        private Builder column(String name, Kind kind) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("column " + columns.size() + ": name=\"" + name + "\" expected non-blank");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("duplicate column name=" + name);
            }
            columns.add(new Column(name, kind));
            return this;
        }

        private void once(String setting) {
            if (!settingsGiven.add(setting)) {
                throw new IllegalArgumentException("setting " + setting + " given twice");
            }
        }
    }
}
