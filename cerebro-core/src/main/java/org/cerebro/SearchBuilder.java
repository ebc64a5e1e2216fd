package org.cerebro;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cerebro.data.Dataset;
import org.cerebro.exec.Executor;
import org.cerebro.exec.SequentialExecutor;
import org.cerebro.report.Progress;
import org.cerebro.space.SearchSpace;
import org.cerebro.strategy.Strategy;
import org.cerebro.train.DataSpec;
import org.cerebro.train.Trainable;

/**
 * Describes a search. Required: {@link #trainable}, {@link #data}, {@link #strategy} and
 * {@link #objective}. Optional: {@link #seed} (default 0), {@link #executor} (default a
 * {@link SequentialExecutor}), {@link #partitions} (default the executor's worker count) and any
 * number of {@link #listener}s. A setting given twice, or a missing or impossible one, fails at
 * once or at {@link #build()}, before any work starts, with the setting's name.
 *
 * <p>Not thread-safe: build a search on one thread.
 */
public final class SearchBuilder {
    private final SearchSpace space;
    private final Set<String> given = new HashSet<>();
    private final List<SearchListener> listeners = new ArrayList<>();
    private Trainable trainable;
    private Dataset train;
    private Dataset validation;
    private Strategy strategy;
    private Objective objective;
    private long seed;
    private Executor executor;
    private int partitions;
    private java.nio.file.Path profileCache;
    private Boolean progress;
    private java.nio.file.Path experimentDir;
    private org.cerebro.plan.Operator operator;
    private Dataset test;
    private int testTopK;
    private int keepModels = -1;
    private java.nio.file.Path report;
    private double divergenceLimit;
    private boolean arrivalOrder;
    private int intraOpThreads;

    SearchBuilder(SearchSpace space) {
        this.space = given(space, "space");
    }

    /** What to train for each config. */
    public SearchBuilder trainable(Trainable trainable) {
        once("trainable");
        this.trainable = given(trainable, "trainable");
        return this;
    }

    /** The training data (partitioned across workers) and the validation data (every epoch is scored on it). */
    public SearchBuilder data(Dataset train, Dataset validation) {
        once("data");
        this.train = given(train, "train");
        this.validation = given(validation, "validation");
        return this;
    }

    /**
     * Held-out test data: after the search, the best trial is evaluated on it once, and its test
     * metrics appear in the result, the leaderboard and the report next to the validation ones.
     * Trials are selected on the validation data only, so the test score is an honest estimate.
     */
    public SearchBuilder test(Dataset test) {
        return test(test, 1);
    }

    /** As {@link #test(Dataset)}, evaluating the best {@code topK} trials (their models are kept: see {@link #keepModels}). */
    public SearchBuilder test(Dataset test, int topK) {
        once("test");
        this.test = given(test, "test");
        if (topK < 1) {
            throw new IllegalArgumentException("test topK=" + topK + " expected >= 1");
        }
        this.testTopK = topK;
        return this;
    }

    /**
     * How many of the best trials' trained models the result keeps in memory
     * ({@link SearchResult#bestModel()}, {@link SearchResult#model(int)}); default 1, or the
     * {@link #test(Dataset, int)} topK when larger. Each costs its state's bytes (parameters and
     * optimizer state: 12 bytes per parameter with Adam) on the heap. 0 keeps none: models then
     * come from the experiment directory, if there is one.
     */
    public SearchBuilder keepModels(int n) {
        once("keepModels");
        if (n < 0) {
            throw new IllegalArgumentException("keepModels=" + n + " expected >= 0");
        }
        this.keepModels = n;
        return this;
    }

    /** How to search: grid, random, Hyperband or ASHA. */
    public SearchBuilder strategy(Strategy strategy) {
        once("strategy");
        this.strategy = given(strategy, "strategy");
        return this;
    }

    /** What to optimise, e.g. {@code Objective.maximize("accuracy")}. */
    public SearchBuilder objective(Objective objective) {
        once("objective");
        this.objective = given(objective, "objective");
        return this;
    }

    /** The seed every random choice derives from (configs, initial states, partitions, visit orders); default 0. */
    public SearchBuilder seed(long seed) {
        once("seed");
        this.seed = seed;
        return this;
    }

    /** Where to run; default a {@link SequentialExecutor} in the calling thread. */
    public SearchBuilder executor(Executor executor) {
        once("executor");
        this.executor = given(executor, "executor");
        return this;
    }

    /** Number of training partitions; default the executor's worker count. */
    public SearchBuilder partitions(int partitions) {
        once("partitions");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions=" + partitions + " expected>=1");
        }
        this.partitions = partitions;
        return this;
    }

    /**
     * A file in which model profiles (measured seconds per sample and state size) are cached
     * across runs and JVMs; without it every run profiles afresh.
     */
    public SearchBuilder profileCache(java.nio.file.Path file) {
        once("profileCache");
        this.profileCache = given(file, "profileCache");
        return this;
    }

    /**
     * Records the search in directory {@code dir} so that it survives crashes: every completed
     * unit is durable there (a checkpoint of the trial's state and a catalog entry) before it
     * counts, and every epoch outcome before the strategy acts on it. Running the same search
     * again against the directory resumes it: completed units are not run again, and the results
     * equal those of an uninterrupted run with the same seed. A kill ({@code kill -9}, an
     * {@link OutOfMemoryError}, a native crash) or a {@link RunningSearch#cancel()} loses at most
     * the units in flight. A directory written by a different search (another space, strategy,
     * objective, seed, trainable, partitioning or data) is refused with the differences; one in
     * use by another process is refused too. The directory is created when absent. A strategy's
     * time budget ({@code Asha.timeBudget}) counts from each run's start.
     */
    public SearchBuilder experimentDir(java.nio.file.Path dir) {
        once("experimentDir");
        this.experimentDir = given(dir, "experimentDir");
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw new IllegalArgumentException("experimentDir " + dir + " is a file; expected a directory (it is"
                + " created when absent)");
        }
        return this;
    }

    /**
     * Runs the search with {@code operator} whatever the cost-based planner prefers (a hint, as
     * in a database); EXPLAIN still shows the planner's estimates and says the operator was
     * forced. The executor must run it ({@link Executor#operators()}), checked at {@link #build()}.
     */
    public SearchBuilder operator(org.cerebro.plan.Operator operator) {
        once("operator");
        this.operator = given(operator, "operator");
        return this;
    }

    /**
     * Whether to report progress ({@link Progress}); on by default: a line on standard output at
     * most once a second when the JVM has a console, otherwise SLF4J INFO lines at most every 10
     * seconds (none for a search shorter than that, such as a unit test's).
     */
    public SearchBuilder progress(boolean show) {
        once("progress");
        this.progress = show;
        return this;
    }

    /**
     * Writes the HTML report ({@link SearchResult#writeReport}) to {@code file} while the search
     * runs, at most every {@value org.cerebro.report.HtmlReport#REFRESH_SECONDS} seconds (the page
     * reloads itself, so a browser shows the search live), and once more when it ends. A report
     * that cannot be written is a warning of the result, never a failed search.
     */
    public SearchBuilder report(java.nio.file.Path file) {
        once("report");
        this.report = given(file, "report");
        return this;
    }

    /**
     * Fails a trial whose mean training loss over an epoch is above {@code multiple} times the
     * loss of guessing uniformly, {@code ln(numClasses)} (2.30 for 10 classes): a trial that has
     * diverged without reaching NaN or infinity, such as SGD with too large a learning rate. Off by
     * default: then only a NaN or infinite loss fails a trial, and a diverged one ends with its poor
     * scores and ranks low. The failure says which loss crossed which limit.
     */
    public SearchBuilder divergenceLimit(double multiple) {
        once("divergenceLimit");
        if (!(multiple > 1) || !Double.isFinite(multiple)) {
            throw new IllegalArgumentException("divergenceLimit=" + multiple + " expected a finite multiple > 1 of"
                + " ln(numClasses)");
        }
        this.divergenceLimit = multiple;
        return this;
    }

    /**
     * Lets the strategy see epoch outcomes in the order they arrive from the workers, instead of
     * in the order a clock driven by each epoch's cost predicts (the default: every epoch in hand
     * progresses at the same rate, its cost {@link Trainable#epochCost}, equal by default, which
     * makes it the order the epochs were granted in; workers train the epoch predicted to finish
     * first before others). Arrival order can start the next trial or promotion a little sooner,
     * but an adaptive strategy's decisions (which trials ASHA promotes, what TPE samples) then
     * depend on how the workers' passes happen to be timed, and two runs with the same seed may
     * differ. In the predicted order they never do, on any executor, and a resumed run makes the
     * decisions the first run made. Grid and random searches give the same results either way.
     */
    public SearchBuilder arrivalOrder() {
        once("arrivalOrder");
        this.arrivalOrder = true;
        return this;
    }

    /**
     * Fixes each worker's intra-op threads at {@code threads} instead of the planner's measured
     * choice. The choice times the model with the cores split evenly and with one thread per
     * worker and keeps one thread only when it is at least 20% faster; for a model near that line
     * the choice can differ between two runs, and with it the last bits of a DJL model's results
     * (its GEMMs sum in another order). Fixing it makes such runs bit-identical.
     *
     * @throws IllegalArgumentException unless {@code threads >= 1}
     */
    public SearchBuilder intraOpThreads(int threads) {
        once("intraOpThreads");
        if (threads < 1) {
            throw new IllegalArgumentException("intraOpThreads=" + threads + " expected >= 1");
        }
        this.intraOpThreads = threads;
        return this;
    }

    /** Adds a progress listener. */
    public SearchBuilder listener(SearchListener listener) {
        listeners.add(given(listener, "listener"));
        return this;
    }

    /**
     * The search, validated, ready to inspect or run.
     *
     * @throws IllegalArgumentException naming what is missing or inconsistent
     */
    public Search build() {
        if (trainable == null) {
            throw new IllegalArgumentException("no trainable: call trainable(...) with what to train");
        }
        if (train == null) {
            throw new IllegalArgumentException("no data: call data(train, validation)");
        }
        if (strategy == null) {
            throw new IllegalArgumentException("no strategy: call strategy(Strategy.grid(...)/random(...)/hyperband(...)/asha(...))");
        }
        if (objective == null) {
            throw new IllegalArgumentException("no objective: call objective(Objective.maximize(\"accuracy\")) or similar");
        }
        train.checkOpen();
        validation.checkOpen();
        if (test != null) {
            test.checkOpen();
        }
        if (train.featureWidth() != validation.featureWidth()) {
            throw new IllegalArgumentException("data: train featureWidth=" + train.featureWidth()
                + " validation featureWidth=" + validation.featureWidth() + " expected equal");
        }
        if (test != null && test.featureWidth() != train.featureWidth()) {
            throw new IllegalArgumentException("data: train featureWidth=" + train.featureWidth() + " test featureWidth="
                + test.featureWidth() + " expected equal");
        }
        int numClasses = Math.max(Math.max(train.numClasses(), validation.numClasses()),
            test == null ? 0 : test.numClasses());
        int keep = keepModels >= 0 ? keepModels : Math.max(1, testTopK);
        if (test != null && keep < testTopK) {
            throw new IllegalArgumentException("keepModels=" + keep + " but test(..., topK=" + testTopK + ") evaluates "
                + testTopK + " models: keep at least as many");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("data: numClasses=" + numClasses + " expected>=2 for classification");
        }
        Executor chosen = executor != null ? executor : new SequentialExecutor();
        if (operator != null && !chosen.operators().contains(operator)) {
            throw new IllegalArgumentException("operator=" + operator + " but executor " + chosen.name() + " runs only "
                + chosen.operators());
        }
        if ((operator == org.cerebro.plan.Operator.DATA_PARALLEL || operator == org.cerebro.plan.Operator.HYBRID)
            && !trainable.dataParallel()) {
            throw new IllegalArgumentException("operator=" + operator + " but trainable " + trainable.name()
                + " does not train data-parallel (Trainable.dataParallel() is false): use MOP or TASK_PARALLEL");
        }
        int parts = partitions > 0 ? partitions : chosen.workers();
        if (parts > train.size()) {
            throw new IllegalArgumentException("partitions=" + parts + " records=" + train.size()
                + ": more partitions than training records");
        }
        java.util.Set<String> reported = trainable.metrics();
        if (!reported.contains(objective.metric())) {
            throw new IllegalArgumentException("objective metric=" + objective.metric() + " but trainable "
                + trainable.name() + " reports " + new java.util.TreeSet<>(reported) + ": choose one of those, or"
                + " declare the metric in Trainable.metrics() if your trainable reports it");
        }
        strategy.begin(space, seed); // validates the strategy against the space (grid points, budget)
        if (experimentDir != null || profileCache != null) {
            org.cerebro.jvm.JvmFlags.require(experimentDir != null ? "experimentDir (its catalog is a Chronicle Map)"
                : "profileCache (a Chronicle Map)");
        }
        List<SearchListener> all = new ArrayList<>(listeners);
        if (progress == null || progress) {
            all.add(System.console() != null ? Progress.console(System.out) : Progress.log());
        }
        return new Search(new LogicalSearch(space, trainable, train, validation,
            new DataSpec(train.featureWidth(), numClasses), strategy, objective, seed, test, testTopK),
            new RunSettings(chosen, parts, operator, experimentDir, profileCache, all, keep, report, divergenceLimit,
                arrivalOrder, intraOpThreads));
    }

    /** {@code build().run()}. */
    public SearchResult run() {
        return build().run();
    }

    /** {@code value}, or an IllegalArgumentException naming the setting: misuse is reported the same way throughout. */
    private static <T> T given(T value, String setting) {
        if (value == null) {
            throw new IllegalArgumentException("setting " + setting + " is null: expected a value");
        }
        return value;
    }

    private void once(String setting) {
        if (!given.add(setting)) {
            throw new IllegalArgumentException("setting " + setting + " given twice");
        }
    }
}
