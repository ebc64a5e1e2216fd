package org.cerebro.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cerebro.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV loading: UCI Adult and Letter, and one test per kind of bad row. */
class CsvTest {
    @TempDir
    Path dir;

    /** UCI Adult: 6 numeric and 8 categorical columns, label income; its quirks declared. */
    static CsvSchema adultSchema() {
        return CsvSchema.builder()
            .numeric("age").categorical("workclass").numeric("fnlwgt").categorical("education")
            .numeric("education-num").categorical("marital-status").categorical("occupation")
            .categorical("relationship").categorical("race").categorical("sex")
            .numeric("capital-gain", "capital-loss", "hours-per-week").categorical("native-country")
            .label("income", List.of("<=50K", ">50K"))
            .missingToken("?")
            .skipLinesStartingWith("|")
            .stripLabelSuffix(".")
            .build();
    }

    @Test
    void adultTrainAndTestEncodeWithTheTrainingVocabulary() {
        CsvEncoder encoder = CsvEncoder.fit(adultSchema(), TestData.file("uci-adult", "adult.data"));
        // One-hot width: 6 numeric + workclass 8 + education 16 + marital-status 7 + occupation 14
        // + relationship 6 + race 5 + sex 2 + native-country 41 = 105 ('?' is all zeros, not a category).
        assertEquals(8, encoder.vocabulary("workclass").size());
        assertEquals(41, encoder.vocabulary("native-country").size());
        assertEquals(105, encoder.featureWidth());
        try (Dataset train = encoder.encode(TestData.file("uci-adult", "adult.data"), Storage.direct());
             Dataset test = encoder.encode(TestData.file("uci-adult", "adult.test"), Storage.direct())) {
            assertEquals(32_561, train.size());
            assertEquals(16_281, test.size());
            assertEquals(2, train.numClasses());
            assertArrayEquals(new int[] {24_720, 7_841}, train.classCounts());
            assertArrayEquals(new int[] {12_435, 3_846}, test.classCounts(), "test labels lose their trailing '.'");
            // first row: 39, State-gov, 77516, Bachelors, 13, ..., United-States, <=50K
            assertEquals(39f, train.feature(0, encoder.featureNames().indexOf("age")));
            assertEquals(1f, train.feature(0, encoder.featureNames().indexOf("workclass=State-gov")));
            assertEquals(0f, train.feature(0, encoder.featureNames().indexOf("workclass=Private")));
            assertEquals(0, train.label(0));
        }
    }

    @Test
    void letterHas20000RowsAnd26Classes() {
        CsvSchema schema = CsvSchema.builder()
            .label("letter")
            .numeric("x-box", "y-box", "width", "high", "onpix", "x-bar", "y-bar", "x2bar", "y2bar", "xybar",
                "x2ybr", "xy2br", "x-ege", "xegvy", "y-ege", "yegvx")
            .build();
        try (Dataset letter = Datasets.csv(schema, TestData.file("uci-letter", "letter-recognition.data"))) {
            assertEquals(20_000, letter.size());
            assertEquals(26, letter.numClasses());
            assertEquals(16, letter.featureWidth());
            // first line: T,2,8,3,5,1,8,13,0,6,6,10,8,0,8,0,8 ; classes learned sorted, so T is 19
            assertEquals(19, letter.label(0));
            assertEquals(2f, letter.feature(0, 0));
            assertEquals(8f, letter.feature(0, 15));
        }
    }

    private Path csv(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static CsvSchema small() {
        return CsvSchema.builder().numeric("x").categorical("color").label("y").missingToken("?").build();
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks [" + part + "]: " + e.getMessage());
        }
    }

    @Test
    void headerQuotesMissingValuesAndBlankLines() throws IOException {
        CsvSchema schema = CsvSchema.builder().header(true).numeric("x").categorical("color").label("y")
            .missingToken("?").build();
        Path file = csv("h.csv", "x,color,y\n1,red,a\n\n?,\"blue, dark\",b\n5,?,a\n");
        try (Dataset data = Datasets.csv(schema, file)) {
            assertEquals(3, data.size());
            assertEquals(List.of("x", "color=blue, dark", "color=red"), data.featureNames());
            assertEquals(3f, data.feature(1, 0), "missing numeric takes the training mean (1+5)/2");
            assertEquals(1f, data.feature(1, 1));
            assertEquals(0f, data.feature(2, 1), "missing category is all zeros");
            assertEquals(0f, data.feature(2, 2));
            assertEquals(1, data.label(1));
        }
    }

    @Test
    void raggedRowNamesFileLineAndCounts() throws IOException {
        Path file = csv("ragged.csv", "1,red,a\n2,blue\n");
        DataException e = assertThrows(DataException.class, () -> Datasets.csv(small(), file));
        assertMessage(e, "file=ragged.csv", "line=2", "expected=3 fields got=2", "ragged");
    }

    @Test
    void nonNumericValueNamesColumnAndValue() throws IOException {
        Path file = csv("text.csv", "1,red,a\n2,blue,b\nabc,red,a\n");
        DataException e = assertThrows(DataException.class, () -> Datasets.csv(small(), file));
        assertMessage(e, "file=text.csv", "line=3", "column=x", "expected=decimal number", "got=\"abc\"");
    }

    @Test
    void nanInANumericColumnIsRejected() throws IOException {
        Path file = csv("nan.csv", "1,red,a\nNaN,blue,b\n");
        DataException e = assertThrows(DataException.class, () -> Datasets.csv(small(), file));
        assertMessage(e, "line=2", "column=x", "expected=decimal number", "got=\"NaN\"");
    }

    @Test
    void unknownCategoryAtTestTimeIsAnErrorByDefault() throws IOException {
        CsvEncoder encoder = CsvEncoder.fit(small(), csv("train.csv", "1,red,a\n2,blue,b\n"));
        Path test = csv("test.csv", "1,red,a\n3,green,b\n");
        DataException e = assertThrows(DataException.class, () -> encoder.encode(test, Storage.direct()));
        assertMessage(e, "file=test.csv", "line=2", "column=color", "unknown category=\"green\"", "[blue, red]");
    }

    @Test
    void unknownCategoryCanGoToTheUnknownBucket() throws IOException {
        CsvSchema schema = CsvSchema.builder().numeric("x").categorical("color").label("y")
            .unknownCategories(UnknownCategoryPolicy.UNKNOWN_BUCKET).build();
        CsvEncoder encoder = CsvEncoder.fit(schema, csv("train.csv", "1,red,a\n2,blue,b\n"));
        try (Dataset test = encoder.encode(csv("test.csv", "3,green,b\n"), Storage.direct())) {
            assertEquals(0f, test.feature(0, 1));
            assertEquals(0f, test.feature(0, 2));
            assertEquals(3f, test.feature(0, 0));
        }
    }

    @Test
    void undeclaredLabelIsOutOfRange() throws IOException {
        CsvSchema schema = CsvSchema.builder().numeric("x").label("y", List.of("no", "yes")).build();
        Path file = csv("labels.csv", "1,no\n2,maybe\n");
        DataException e = assertThrows(DataException.class, () -> Datasets.csv(schema, file));
        assertMessage(e, "file=labels.csv", "line=2", "label=\"maybe\"", "out of range", "[no, yes]");
    }

    @Test
    void headerMismatchNamesTheColumn() throws IOException {
        CsvSchema schema = CsvSchema.builder().header(true).numeric("x").label("y").build();
        Path file = csv("hdr.csv", "x,label\n1,a\n");
        DataException e = assertThrows(DataException.class, () -> Datasets.csv(schema, file));
        assertMessage(e, "line=1", "header column=1", "expected=y", "got=label");
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        Path file = csv("empty.csv", "\n\n");
        DataException e = assertThrows(DataException.class, () -> Datasets.csv(small(), file));
        assertMessage(e, "file=empty.csv", "records=0", "empty dataset");
    }

    @Test
    void unclosedQuoteIsReported() throws IOException {
        Path file = csv("quote.csv", "1,\"red,a\n");
        DataException e = assertThrows(DataException.class, () -> Datasets.csv(small(), file));
        assertMessage(e, "line=1", "closing quote");
    }

    @Test
    void schemaMisuseFailsWhenBuilt() {
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
            () -> CsvSchema.builder().numeric("x").numeric("x"));
        assertMessage(dup, "duplicate column name=x");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> CsvSchema.builder().numeric("x").build()),
            "no label column");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> CsvSchema.builder().label("y").build()),
            "no feature column");
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> CsvSchema.builder().missingToken("?").missingToken("NA")), "missingToken given twice");
    }
}
