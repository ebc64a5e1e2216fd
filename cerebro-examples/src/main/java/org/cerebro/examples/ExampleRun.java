package org.cerebro.examples;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.cerebro.Search;
import org.cerebro.SearchBuilder;
import org.cerebro.SearchResult;
import org.cerebro.exec.local.LocalExecutor;
import org.cerebro.strategy.Strategy;

/**
 * What every example shares: the common options, and running a search the same way (describe,
 * progress line, leaderboard, EXPLAIN, the HTML report and the JSON summary when asked).
 *
 * <p>Options, where an example applies them: {@code --data DIR}, {@code --strategy
 * grid|random|hyperband|asha}, {@code --workers N}, {@code --epochs E}, {@code --trials T},
 * {@code --seed S}, {@code --experiment-dir DIR} (resumes when it exists), {@code --report
 * FILE.html}, {@code --summary-json FILE} (keys in {@link SummaryJson}), {@code --operator
 * mop|task|data|hybrid|auto} (default auto: the cost-based planner chooses).
 */
final class ExampleRun {
    static final Set<String> COMMON = Set.of("data", "strategy", "workers", "epochs", "trials", "seed",
        "experiment-dir", "report", "summary-json", "operator");

    final Options options;

    ExampleRun(String[] args, String... extra) {
        this(args, Set.of(), extra);
    }

    /** @param notApplicable common options this example has no use for (refused, not ignored) */
    ExampleRun(String[] args, Set<String> notApplicable, String... extra) {
        Set<String> known = new HashSet<>(COMMON);
        known.removeAll(notApplicable);
        known.addAll(Set.of(extra));
        this.options = new Options(args, new java.util.TreeSet<>(known));
    }

    int workers() {
        int workers = options.getInt("workers", Runtime.getRuntime().availableProcessors());
        if (workers < 1) {
            throw new IllegalArgumentException("option=--workers got=" + workers + " expected>=1");
        }
        return workers;
    }

    long seed(long fallback) {
        return options.getLong("seed", fallback);
    }

    int epochs(int fallback) {
        int epochs = options.getInt("epochs", fallback);
        if (epochs < 1) {
            throw new IllegalArgumentException("option=--epochs got=" + epochs + " expected>=1");
        }
        return epochs;
    }

    int trials(int fallback) {
        int trials = options.getInt("trials", fallback);
        if (trials < 1) {
            throw new IllegalArgumentException("option=--trials got=" + trials + " expected>=1");
        }
        return trials;
    }

    /** The data directory holding {@code mnist/} (downloading MNIST when it is nowhere). */
    Path mnistData() {
        return MnistData.dir(options.get("data"));
    }

    /** The data directory for other datasets: {@code --data}, {@code CEREBRO_DATA} or {@code ../shared/data}. */
    Path data(String folder) {
        return DataDir.resolve(options.get("data"), folder);
    }

    /**
     * {@code --strategy} (default {@code fallback}) with the epochs and trials options; {@code --trials}
     * is refused for grid and Hyperband, whose trials follow from the space and from R and eta.
     */
    Strategy strategy(String fallback, int epochs, int trials) {
        String name = options.get("strategy", fallback);
        if ((name.equals("grid") || name.equals("hyperband")) && options.get("trials") != null) {
            throw new IllegalArgumentException("option=--trials does not apply to --strategy " + name + ": "
                + (name.equals("grid") ? "a grid's trials are its space's points" : "Hyperband's trials follow from"
                + " --epochs (R) and eta") + "; use --strategy random or asha to set a number of trials");
        }
        return switch (name) {
            case "grid" -> Strategy.grid(epochs);
            case "random" -> Strategy.random(trials, epochs);
            case "hyperband" -> Strategy.hyperband(epochs, 3);
            case "asha" -> Strategy.asha(1, epochs, 3).maxTrials(trials);
            default -> throw new IllegalArgumentException("option=--strategy got=" + name
                + " expected grid, random, hyperband or asha");
        };
    }

    /**
     * Local CPU workers, the seed, the experiment directory, progress, and the HTML report
     * ({@code --report}, else {@code defaultReport} when not null), written live while it runs.
     */
    SearchBuilder configure(SearchBuilder builder, long defaultSeed) {
        return configure(builder, defaultSeed, null);
    }

    SearchBuilder configure(SearchBuilder builder, long defaultSeed, String defaultReport) {
        return configure(builder, defaultSeed, defaultReport, LocalExecutor.cpus(workers()));
    }

    /** As {@link #configure(SearchBuilder, long, String)}, on {@code executor}. */
    SearchBuilder configure(SearchBuilder builder, long defaultSeed, String defaultReport,
                            org.cerebro.exec.Executor executor) {
        builder.executor(executor).seed(seed(defaultSeed)).progress(true);
        String operator = options.get("operator", "auto");
        switch (operator) {
            case "auto" -> { }
            case "mop" -> builder.operator(org.cerebro.plan.Operator.MOP);
            case "task" -> builder.operator(org.cerebro.plan.Operator.TASK_PARALLEL);
            case "data" -> builder.operator(org.cerebro.plan.Operator.DATA_PARALLEL);
            case "hybrid" -> builder.operator(org.cerebro.plan.Operator.HYBRID);
            default -> throw new IllegalArgumentException("--operator " + operator + " expected one of mop, task, data,"
                + " hybrid, auto");
        }
        if (options.get("experiment-dir") != null) {
            builder.experimentDir(Path.of(options.get("experiment-dir")));
        }
        String report = options.get("report", defaultReport);
        if (report != null) {
            Path file = Path.of(report).toAbsolutePath();
            try {
                java.nio.file.Files.createDirectories(file.getParent());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot create the report's folder " + file.getParent(), e);
            }
            builder.report(file);
        }
        return builder;
    }

    /** Describes, runs, prints the leaderboard and EXPLAIN, where the report is, and writes the summary. */
    SearchResult run(Search search) {
        System.out.print(search.describe());
        SearchResult result = search.run();
        System.out.printf("%n%d trials, %d epochs, %d units in %.1f s%s%n", result.trials().size(),
            result.epochsCompleted(), result.unitsRun(), result.elapsed().toMillis() / 1000.0,
            result.unitsRecovered() == 0 ? "" : " (" + result.unitsRecovered() + " units recovered from the"
                + " experiment directory)");
        System.out.print(result.leaderboardTable(10));
        System.out.println();
        System.out.print(result.explain());
        if (search.settings().report() != null) {
            System.out.println("report: " + search.settings().report());
        }
        result.warnings().forEach(w -> System.out.println("warning: " + w));
        if (options.get("summary-json") != null) {
            SummaryJson.write(Path.of(options.get("summary-json")), result, search.settings().executor().workers());
        }
        return result;
    }
}
