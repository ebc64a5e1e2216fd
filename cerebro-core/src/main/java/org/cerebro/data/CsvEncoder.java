package org.cerebro.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A {@link CsvSchema} fitted to a training file: the vocabulary of every categorical column and of
 * the label (when not declared), and the mean of every numeric column, all learned from the
 * training file only. Encodes that file and any other (a test file) into datasets with the same
 * feature columns.
 *
 * <p>Feature columns follow the file's column order: a numeric column {@code c} becomes feature
 * {@code c}; a categorical column becomes {@code c=v} for each of its sorted categories {@code v}.
 *
 * <p>Immutable and thread-safe.
 */
public final class CsvEncoder {
    private final CsvSchema schema;
    private final List<List<String>> vocabularies; // per column; empty for non-categorical
    private final List<Map<String, Integer>> slots; // per column: category -> feature index
    private final double[] means;                   // per column; 0 for non-numeric
    private final List<String> classes;
    private final Map<String, Integer> classIndex;
    private final List<String> featureNames;
    private final int[] numericColumns;

    private CsvEncoder(CsvSchema schema, List<List<String>> vocabularies, double[] means, List<String> classes) {
        this.schema = schema;
        this.vocabularies = vocabularies;
        this.means = means;
        this.classes = List.copyOf(classes);
        this.classIndex = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        this.slots = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> numeric = new ArrayList<>();
        for (int c = 0; c < schema.columns().size(); c++) {
            CsvSchema.Column column = schema.columns().get(c);
            Map<String, Integer> columnSlots = new HashMap<>();
            if (column.kind() == CsvSchema.Kind.NUMERIC) {
                numeric.add(names.size());
                names.add(column.name());
            } else if (column.kind() == CsvSchema.Kind.CATEGORICAL) {
                for (String category : vocabularies.get(c)) {
                    columnSlots.put(category, names.size());
                    names.add(column.name() + "=" + category);
                }
            }
            slots.add(columnSlots);
        }
        this.featureNames = List.copyOf(names);
        this.numericColumns = numeric.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Learns vocabularies, class list and numeric means from {@code trainFile}.
     *
     * @throws DataException on a malformed file, naming the line, column and values
     */
    public static CsvEncoder fit(CsvSchema schema, Path trainFile) {
        int n = schema.columns().size();
        List<TreeSet<String>> seen = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            seen.add(new TreeSet<>());
        }
        double[] sums = new double[n];
        long[] counts = new long[n];
        String fileName = trainFile.getFileName().toString();
        long rows = CsvLines.forEach(trainFile, schema, (fields, line) -> {
            for (int c = 0; c < n; c++) {
                CsvSchema.Column column = schema.columns().get(c);
                String value = fields.get(c);
                switch (column.kind()) {
                    case NUMERIC -> {
                        if (!value.equals(schema.missingToken())) {
                            sums[c] += parseNumber(value, fileName, line, column.name());
                            counts[c]++;
                        }
                    }
                    case CATEGORICAL -> {
                        if (!value.equals(schema.missingToken())) {
                            seen.get(c).add(value);
                        }
                    }
                    case LABEL -> seen.get(c).add(labelValue(schema, value, fileName, line, column.name()));
                    case IGNORED -> { }
                }
            }
        });
        if (rows == 0) {
            throw new DataException("file=" + fileName + " records=0: expected at least 1 data line, empty dataset");
        }
        double[] means = new double[n];
        List<List<String>> vocabularies = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            CsvSchema.Column column = schema.columns().get(c);
            boolean categorical = column.kind() == CsvSchema.Kind.CATEGORICAL;
            if (column.kind() == CsvSchema.Kind.NUMERIC && counts[c] == 0 || categorical && seen.get(c).isEmpty()) {
                throw new DataException("file=" + fileName + " column=" + column.name() + " is missing (\""
                    + schema.missingToken() + "\") on every one of its " + rows + " data lines: nothing can be learned"
                    + " from it. Declare it ignored in the schema, or fill it in");
            }
            means[c] = counts[c] == 0 ? 0 : sums[c] / counts[c];
            vocabularies.add(categorical ? List.copyOf(seen.get(c)) : List.of());
        }
        List<String> classes = schema.declaredClasses() != null
            ? schema.declaredClasses()
            : List.copyOf(seen.get(schema.labelIndex()));
        return new CsvEncoder(schema, vocabularies, means, classes);
    }

    /** Number of float32 features per record. */
    public int featureWidth() {
        return featureNames.size();
    }

    /** The feature names, e.g. {@code age}, {@code workclass=Private}. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** The classes; class i is label i. */
    public List<String> classes() {
        return classes;
    }

    /** The sorted categories of a categorical column, as learned from the training file. */
    public List<String> vocabulary(String column) {
        for (int c = 0; c < schema.columns().size(); c++) {
            if (schema.columns().get(c).name().equals(column)) {
                return Collections.unmodifiableList(vocabularies.get(c));
            }
        }
        throw new IllegalArgumentException("column=" + column + " is not in the schema");
    }

    /** Feature indices of the numeric columns, e.g. to standardise only those. */
    public int[] numericFeatures() {
        return numericColumns.clone();
    }

    /**
     * Encodes {@code file} (the training file or another with the same columns) into a dataset.
     *
     * @throws DataException on a malformed row, an unknown category (under ERROR) or an
     *                       undeclared label, naming the file, line, column and values
     */
    public Dataset encode(Path file, Storage storage) {
        String fileName = file.getFileName().toString();
        long rows = CsvLines.forEach(file, schema, (fields, line) -> { });
        if (rows == 0) {
            throw new DataException("file=" + fileName + " records=0: expected at least 1 data line, empty dataset");
        }
        if (rows > Integer.MAX_VALUE) {
            throw new DataException("file=" + fileName + " records=" + rows + " expected<=" + Integer.MAX_VALUE);
        }
        DatasetBuilder builder = new DatasetBuilder(fileName, featureWidth(), classes.size(), (int) rows,
            featureNames, storage);
        float[] features = new float[featureWidth()];
        try {
            CsvLines.forEach(file, schema, (fields, line) -> {
                int label = encodeRow(fields, fileName, line, features);
                builder.add(features, label, "line", line);
            });
            return builder.build();
        } catch (RuntimeException e) {
            builder.abandon();
            throw e;
        }
    }

    private int encodeRow(List<String> fields, String fileName, long line, float[] features) {
        java.util.Arrays.fill(features, 0f);
        int label = -1;
        int next = 0;
        for (int c = 0; c < fields.size(); c++) {
            CsvSchema.Column column = schema.columns().get(c);
            String value = fields.get(c);
            boolean missing = value.equals(schema.missingToken());
            switch (column.kind()) {
                case NUMERIC -> features[next++] = missing
                    ? (float) means[c]
                    : (float) parseNumber(value, fileName, line, column.name());
                case CATEGORICAL -> {
                    if (!missing) {
                        Integer slot = slots.get(c).get(value);
                        if (slot != null) {
                            features[slot] = 1f;
                        } else if (schema.unknownCategories() == UnknownCategoryPolicy.ERROR) {
                            throw new DataException("file=" + fileName + " line=" + line + " column=" + column.name()
                                + " unknown category=\"" + value + "\" expected one of " + vocabularies.get(c)
                                + " (learned from the training file; UnknownCategoryPolicy.UNKNOWN_BUCKET encodes it as all zeros)");
                        }
                    }
                    next += vocabularies.get(c).size();
                }
                case LABEL -> {
                    String name = labelValue(schema, value, fileName, line, column.name());
                    Integer index = classIndex.get(name);
                    if (index == null) {
                        throw new DataException("file=" + fileName + " line=" + line + " column=" + column.name()
                            + " label=\"" + name + "\" out of range: expected one of " + classes);
                    }
                    label = index;
                }
                case IGNORED -> { }
            }
        }
        return label;
    }

    private static String labelValue(CsvSchema schema, String value, String fileName, long line, String column) {
        if (value.equals(schema.missingToken()) || value.isEmpty()) {
            throw new DataException("file=" + fileName + " line=" + line + " column=" + column
                + " expected a label got a missing value");
        }
        String suffix = schema.labelSuffix();
        return suffix != null && value.endsWith(suffix) ? value.substring(0, value.length() - suffix.length()) : value;
    }

    /** CSV's numbers: optional sign, decimal digits with an optional point, an optional exponent. No 1f, 2d or 0x1p3. */
    private static final java.util.regex.Pattern DECIMAL =
        java.util.regex.Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private static double parseNumber(String value, String fileName, long line, String column) {
        if (!DECIMAL.matcher(value).matches()) {
            throw new DataException("file=" + fileName + " line=" + line + " column=" + column
                + " expected=decimal number got=\"" + value + "\"");
        }
        double parsed = Double.parseDouble(value);
        if (!Double.isFinite(parsed) || Math.abs(parsed) > Float.MAX_VALUE) {
            throw new DataException("file=" + fileName + " line=" + line + " column=" + column
                + " expected=finite float32 number got=\"" + value + "\"");
        }
        return parsed;
    }
}
