package org.cerebro.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cerebro.testing.TestData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example's {@code main}, run as a user would with a small budget and the shared options,
 * writes a report and a summary JSON with the stable keys and a model that learned something.
 */
class ExamplesSmokeTest {
    static final List<String> KEYS = List.of("bestConfig", "bestScore", "metric", "trials", "unitsRun",
        "epochsCompleted", "plan", "workers", "makespanSeconds", "lowerBoundSeconds");

    interface Main {
        void run(String[] args) throws Exception;
    }

    static Stream<Arguments> examples() {
        return Stream.of(
            Arguments.of("MnistSearch", (Main) MnistSearch::main, "--trials 3 --epochs 1 --train-records 3000", 0.8),
            Arguments.of("Quickstart", (Main) Quickstart::main, "--epochs 1 --train-records 3000", 0.8),
            Arguments.of("AshaExample", (Main) AshaExample::main, "--trials 4 --epochs 3 --train-records 2000", 0.7),
            Arguments.of("HyperbandExample", (Main) HyperbandExample::main, "--epochs 3 --train-records 2000", 0.7),
            // Adult: predicting the majority class scores 0.764, so ask for clearly more
            Arguments.of("AdultExample", (Main) AdultExample::main, "--trials 2 --epochs 1", 0.8),
            Arguments.of("CustomTrainableExample", (Main) CustomTrainableExample::main,
                "--trials 2 --epochs 1 --train-records 2000", 0.7),
            Arguments.of("ClusterExample", (Main) ClusterExample::main, "--epochs 1 --train-records 2000", 0.7),
            // a real local-cluster: a Master and two Workers in this JVM, two executor JVMs
            Arguments.of("SparkExample", (Main) SparkExample::main, "--epochs 1 --train-records 2000", 0.7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void runsWithASmallBudgetAndWritesItsSummaryAndReport(String name, Main main, String budget, double minScore,
                                                           @TempDir Path tmp) throws Exception {
        Path summary = tmp.resolve("summary.json");
        Path report = tmp.resolve("report.html");
        List<String> args = new ArrayList<>(List.of(budget.split(" ")));
        args.addAll(List.of("--data", TestData.dir().toString(), "--seed", "3", "--summary-json", summary.toString(),
            "--report", report.toString()));
        main.run(args.toArray(String[]::new));
        String json = Files.readString(summary);
        for (String key : KEYS) {
            assertTrue(json.contains("\"" + key + "\":"), name + " summary lacks " + key + ": " + json);
        }
        assertTrue(json.matches("\\{.*\"bestConfig\":\\{.+?}.*}"), "bestConfig is an object: " + json);
        Matcher score = Pattern.compile("\"bestScore\":([0-9.eE-]+)").matcher(json);
        assertTrue(score.find() && Double.parseDouble(score.group(1)) >= minScore, name + " learned: " + json);
        Matcher bound = Pattern.compile("\"makespanSeconds\":([0-9.eE-]+),\"lowerBoundSeconds\":([0-9.eE-]+)")
            .matcher(json);
        assertTrue(bound.find() && Double.parseDouble(bound.group(2)) > 0
            && Double.parseDouble(bound.group(2)) <= Double.parseDouble(bound.group(1)) * 1.001,
            "0 < lower bound <= makespan: " + json);
        String html = Files.readString(report);
        assertTrue(html.contains("<svg id=\"learning-curves\"") && html.contains("<rect class=\"unit\""), name);
    }
}
