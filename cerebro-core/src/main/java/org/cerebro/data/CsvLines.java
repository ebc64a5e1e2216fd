package org.cerebro.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the data lines of a CSV file under a {@link CsvSchema}: skips blank lines, lines with the
 * skip prefix and the header (checking its names), splits fields (double quotes may enclose the
 * delimiter), trims them, and checks that every row has one field per declared column.
 *
 * <p>Not thread-safe; one pass over one file.
 */
final class CsvLines implements AutoCloseable {
    /** Receives each data line's fields and its 1-based line number in the file. */
    interface Visitor {
        void row(List<String> fields, long line);
    }

    private final Path file;
    private final CsvSchema schema;
    private final BufferedReader reader;
    private final List<String> fields = new ArrayList<>();
    private final StringBuilder field = new StringBuilder();
    private long line;

    private CsvLines(Path file, CsvSchema schema) throws IOException {
        this.file = file;
        this.schema = schema;
        this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }

    /** Calls {@code visitor} for every data line of {@code file}; returns the number of data lines. */
    static long forEach(Path file, CsvSchema schema, Visitor visitor) {
        if (!Files.isRegularFile(file)) {
            throw new DataException("file=" + file + " does not exist or is not a regular file");
        }
        try (CsvLines lines = new CsvLines(file, schema)) {
            return lines.run(visitor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read file=" + file, e);
        }
    }

    private long run(Visitor visitor) throws IOException {
        boolean headerPending = schema.header();
        long rows = 0;
        for (String text; (text = reader.readLine()) != null; ) {
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1); // a UTF-8 byte-order mark, as Excel writes "CSV UTF-8"
            }
            if (text.isBlank() || (schema.skipPrefix() != null && text.startsWith(schema.skipPrefix()))) {
                continue;
            }
            split(text);
            if (fields.size() != schema.columns().size()) {
                throw new DataException("file=" + file.getFileName() + " line=" + line + " expected="
                    + schema.columns().size() + " fields got=" + fields.size() + ": ragged row");
            }
            if (headerPending) {
                headerPending = false;
                checkHeader();
                continue;
            }
            visitor.row(fields, line);
            rows++;
        }
        return rows;
    }

    private void checkHeader() {
        for (int i = 0; i < fields.size(); i++) {
            String declared = schema.columns().get(i).name();
            if (!declared.equals(fields.get(i))) {
                throw new DataException("file=" + file.getFileName() + " line=" + line + " header column=" + i
                    + " expected=" + declared + " got=" + fields.get(i));
            }
        }
    }

    private void split(String text) {
        fields.clear();
        field.setLength(0);
        char delimiter = schema.delimiter();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                field.setLength(0);
                quoted = true;
            } else if (c == delimiter) {
                endField();
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new DataException("file=" + file.getFileName() + " line=" + line
                + " expected a closing quote got end of line");
        }
        endField();
    }

    private void endField() {
        String value = field.toString();
        fields.add(schema.trim() ? value.strip() : value);
        field.setLength(0);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
