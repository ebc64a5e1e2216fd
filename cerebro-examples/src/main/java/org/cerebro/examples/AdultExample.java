package org.cerebro.examples;

import java.nio.file.Path;
import java.util.List;
import org.cerebro.Cerebro;
import org.cerebro.Objective;
import org.cerebro.data.CsvEncoder;
import org.cerebro.data.CsvSchema;
import org.cerebro.data.Dataset;
import org.cerebro.data.Standardizer;
import org.cerebro.data.Storage;
import org.cerebro.djl.DjlTrainable;
import org.cerebro.djl.Zoo;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;

/**
 * Tabular data: UCI Adult (will income exceed $50K?) from its CSV files, with 8 categorical
 * columns one-hot encoded on the training file's vocabulary (105 features), missing values
 * ({@code ?}) handled, the test file's trailing {@code .} on labels stripped, and the numeric
 * columns standardized on training statistics. A random search over DJL MLPs.
 *
 * <pre>
 * java @jvm.options -cp ... org.cerebro.examples.AdultExample [--strategy random] [--trials 8] [--epochs 4]
 *     [--workers N] [--seed 5] [--data DIR] [--experiment-dir DIR] [--report FILE.html] [--summary-json FILE]
 * </pre>
 */
public final class AdultExample {
    private AdultExample() {
    }

    /** The Adult files' columns and quirks. */
    static CsvSchema schema() {
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

    public static void main(String[] args) {
        ExampleRun run = new ExampleRun(args);
        Path adult = run.data("uci-adult").resolve("uci-adult");
        CsvEncoder encoder = CsvEncoder.fit(schema(), adult.resolve("adult.data"));
        try (Dataset rawTrain = encoder.encode(adult.resolve("adult.data"), Storage.direct());
             Dataset rawTest = encoder.encode(adult.resolve("adult.test"), Storage.direct())) {
            Standardizer standardizer = Standardizer.fit(rawTrain, encoder.numericFeatures());
            try (Dataset all = standardizer.apply(rawTrain, Storage.direct());
                 org.cerebro.data.Split split = all.split(0.1, 5);
                 Dataset test = standardizer.apply(rawTest, Storage.direct())) {
                Dataset train = split.train();
                System.out.println("UCI Adult: " + train.size() + " training, " + split.validation().size()
                    + " validation (held out of adult.data) and " + test.size() + " test records, "
                    + train.featureWidth() + " features after one-hot encoding");
                SearchSpace space = SearchSpace.of(
                    HParam.logUniform("lr", 1e-4, 1e-2),
                    HParam.choice("width", 32, 128),
                    HParam.intRange("depth", 1, 2),
                    HParam.choice("activation", "relu", "tanh"),
                    HParam.constant("batch_size", 128));
                run.run(run.configure(Cerebro.search(space)
                    .trainable(new DjlTrainable(Zoo.mlp()))
                    .data(train, split.validation())
                    .test(test)
                    .strategy(run.strategy("random", run.epochs(4), run.trials(8)))
                    .objective(Objective.maximize("accuracy")), 5).build());
            }
        }
    }
}
