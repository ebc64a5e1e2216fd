package org.cerebro.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cerebro.SearchResult;
import org.cerebro.TrialResult;
import org.cerebro.exec.UnitRecord;
import org.cerebro.report.Json;
import org.cerebro.optimizer.schedule.Cluster;
import org.cerebro.optimizer.schedule.Workload;

/**
 * The examples' {@code --summary-json}: one JSON object whose keys other code relies on, so they
 * stay stable: {@code bestConfig} (object), {@code bestScore} (the objective's metric for the best
 * trial on the validation data, e.g. accuracy as a fraction), {@code bestTestScore} (the same trial's
 * metric on the held-out test set, or null), {@code metric}, {@code trials}, {@code unitsRun} (units
 * this process executed), {@code epochsCompleted}, {@code plan} (the physical plan run),
 * {@code workers}, {@code makespanSeconds} (measured) and {@code lowerBoundSeconds} (the
 * optimizer's lower bound, {@link Cluster#lowerBound}, for the same work: each trial's measured
 * unit time on {@code workers} identical workers).
 */
final class SummaryJson {
    private SummaryJson() {
    }

    static String of(SearchResult result, int workers) {
        TrialResult best = result.best().orElse(null);
        StringBuilder out = new StringBuilder("{");
        out.append("\"bestConfig\":");
        if (best == null) {
            out.append("null");
        } else {
            out.append('{');
            List<String> fields = new ArrayList<>();
            best.config().values().forEach((name, value) -> fields.add(Json.string(name) + ":" + Json.value(value)));
            out.append(String.join(",", fields)).append('}');
        }
        out.append(",\"bestScore\":").append(best == null || best.epochs().isEmpty() ? "null"
            : number(best.lastEpoch().metrics().get(result.objective().metric())));
        out.append(",\"bestTestScore\":").append(best == null || best.test() == null ? "null"
            : number(best.test().get(result.objective().metric())));
        out.append(",\"metric\":").append(Json.string(result.objective().metric()));
        out.append(",\"trials\":").append(result.trials().size());
        out.append(",\"unitsRun\":").append(result.unitsRun());
        out.append(",\"unitsRecovered\":").append(result.unitsRecovered());
        out.append(",\"epochsCompleted\":").append(result.epochsCompleted());
        out.append(",\"plan\":").append(Json.string(result.plan().executableOperator().name()));
        out.append(",\"executor\":").append(Json.string(result.executor()));
        out.append(",\"workers\":").append(workers);
        out.append(",\"makespanSeconds\":").append(number(result.elapsed().toNanos() / 1e9));
        out.append(",\"lowerBoundSeconds\":").append(number(lowerBound(result, workers)));
        return out.append('}').toString();
    }

    static double lowerBound(SearchResult result, int workers) {
        Map<Integer, Double> seconds = new HashMap<>();
        for (UnitRecord unit : result.units()) {
            seconds.merge(unit.trialId(), (unit.endNanos() - unit.startNanos()) / 1e9, Double::sum);
        }
        if (seconds.isEmpty()) {
            return 0;
        }
        List<Workload.Trial> trials = new ArrayList<>();
        seconds.values().forEach(s -> trials.add(new Workload.Trial(s, 1, 0)));
        return Cluster.homogeneous(workers).lowerBound(new Workload(trials));
    }

    static void write(Path file, SearchResult result, int workers) {
        try {
            Files.writeString(file, of(result, workers));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write --summary-json " + file, e);
        }
    }

    private static String number(Object value) {
        if (value instanceof Double d) {
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d).replaceAll("\\.?0+(e|$)", "$1") : "null";
        }
        return String.valueOf(value);
    }
}
