package org.cerebro.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plan chosen for a stage: its operator, the candidates considered with their estimates, why
 * this one won, the inputs used, and (after a run) the measured makespan.
 *
 * @param planner    the planner that chose it
 * @param input      what it was planned from
 * @param chosen     the chosen operator
 * @param candidates every operator considered, with estimates
 * @param reason     why the chosen one won
 * @param executable the operator the executor actually runs (it may fall back), with why if different
 */
public record PhysicalPlan(String planner, PlanningInput input, Operator chosen, List<Candidate> candidates, String reason,
                           String executable) {
    /** Copies the candidates. */
    public PhysicalPlan {
        candidates = List.copyOf(candidates);
    }

    /** The chosen candidate. */
    public Candidate chosenCandidate() {
        return candidates.stream().filter(c -> c.operator() == chosen).findFirst().orElseThrow();
    }

    /** This plan run by {@code operator} instead, for {@code why} (e.g. the executor cannot run the chosen one). */
    public PhysicalPlan executedAs(Operator operator, String why) {
        return new PhysicalPlan(planner, input, chosen, candidates, reason, operator + " (" + why + ")");
    }

    /** The operator the executor runs: the chosen one, or the one it fell back to. */
    public Operator executableOperator() {
        return Operator.valueOf(executable.split(" ", 2)[0]);
    }

    /** The EXPLAIN text, without measurements. */
    public String explain() {
        return explain(Double.NaN, 0);
    }

    /**
     * The EXPLAIN text: the stage, the candidates with their estimates and verdicts, the inputs,
     * and the measured makespan next to the estimate when {@code measuredSeconds} is a number:
     * the seconds from the plan, made {@code plannedAtSeconds} after the search started, to the
     * end of training.
     */
    public String explain(double measuredSeconds, double plannedAtSeconds) {
        PlanningInput in = input;
        StringBuilder out = new StringBuilder();
        int maxEpochs = in.epochsPerTrial().stream().mapToInt(Integer::intValue).max().orElse(0);
        out.append(String.format(Locale.ROOT, "EXPLAIN (%s planner) stage: %d trials x up to %d epochs on %d %s worker(s),"
            + " %,d records (%s)%n", planner, in.trials(), maxEpochs, in.workers(), in.device(), in.records(),
            bytes(in.dataBytes())));
        out.append(String.format(Locale.ROOT, "  %-14s %14s %14s %14s  %s%n", "operator", "est. makespan", "memory/worker",
            "bytes moved", "verdict"));
        double best = chosenCandidate().makespanSeconds();
        for (Candidate c : candidates) {
            String verdict;
            if (c.operator() == chosen) {
                verdict = "CHOSEN: " + reason;
            } else if (!c.feasible()) {
                verdict = "rejected: infeasible, " + c.note();
            } else if (c.makespanSeconds() < best * (1 - 1e-9)) {
                verdict = String.format(Locale.ROOT, "rejected: estimated %.0f%% faster, within the planner's tie; %s"
                    + " copies and moves less", 100 * (1 - c.makespanSeconds() / best), chosen);
            } else {
                verdict = String.format(Locale.ROOT, "rejected: %.2fx slower", c.makespanSeconds() / best);
            }
            boolean estimated = Double.isFinite(c.makespanSeconds());
            out.append(String.format(Locale.ROOT, "  %-14s %14s %14s %14s  %s%n", c.operator(), seconds(c.makespanSeconds()),
                estimated ? bytes(c.memoryPerWorker()) : "-", estimated ? bytes(c.bytesMoved()) : "-", verdict));
        }
        out.append(String.format(Locale.ROOT, "  placement: %s%n", placement()));
        if (!executable.equals(chosen.name())) {
            out.append("  executed as: ").append(executable).append(System.lineSeparator());
        }
        ModelProfile p = in.profile();
        if (Double.isNaN(p.secondsPerSample())) {
            out.append(String.format(Locale.ROOT, "  inputs: model %s not profiled (%s)%n", p.key(), p.source()));
        } else {
            out.append(String.format(Locale.ROOT, "  inputs: profile [%s] %.3g s/sample, state %s, %s at %s%n", p.key(),
                p.secondsPerSample(), bytes(p.stateBytes()), p.source(), p.measuredAt()));
        }
        out.append(String.format(Locale.ROOT, "          memory/worker %s; bandwidth %s/s (%s); batch %d%n",
            bytes(in.memoryPerWorker()), bytes((long) in.bandwidthBytesPerSecond()), in.bandwidthSource(), in.batchSize()));
        out.append(String.format(Locale.ROOT, "          threads: %d intra-op thread(s) per worker; %s%n", in.threads().threads(),
            in.threads().note()));
        DataParallelProfile dp = in.dataParallel();
        if (dp.available()) {
            out.append(String.format(Locale.ROOT, "          data parallel: %.2fx on %d workers (%.3g vs %.3g s/sample),"
                + " %.0f us per step beyond perfect scaling; %s%n", dp.speedup(), dp.workers(), dp.secondsPerSample(),
                dp.singleSecondsPerSample(), dp.syncSecondsPerStep() * 1e6, dp.note()));
        } else {
            out.append("          data parallel: not considered: ").append(dp.note()).append(System.lineSeparator());
        }
        if (!Double.isNaN(measuredSeconds)) {
            // what ran is the executable operator: compare with its estimate, not the chosen one's
            Operator ran = executableOperator();
            double estimate = candidates.stream().filter(c -> c.operator() == ran)
                .mapToDouble(Candidate::makespanSeconds).findFirst().orElse(Double.NaN);
            out.append(Double.isFinite(estimate) && estimate > 0
                ? String.format(Locale.ROOT, "  measured: makespan %s (from this plan, made at +%.2f s, to the end of"
                    + " training: the interval the estimate covers) vs %s's estimate %s (%.2fx)%n",
                    seconds(measuredSeconds), plannedAtSeconds, ran, seconds(estimate), measuredSeconds / estimate)
                : String.format(Locale.ROOT, "  measured: makespan %s (no estimate to compare it with)%n",
                    seconds(measuredSeconds)));
        }
        return out.toString();
    }

    /** Where the data lives under the operator the executor runs. */
    public String placement() {
        if (executableOperator() == Operator.TASK_PARALLEL) {
            return "every worker reads all " + input.records() + " records (" + input.workers() + " worker(s); one shared"
                + " copy on one machine, a copy per worker on a cluster), a trial stays on its worker";
        }
        return input.partitions() + " partition(s) over " + input.workers() + " worker(s), each partition on "
            + input.replicas() + (input.replicas() == 1 ? " worker" : " workers") + "; units are (trial, epoch, partition),"
            + " a trial on one worker at a time, a worker running one unit at a time";
    }

    /** Human-readable bytes. */
    public static String bytes(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = 0;
        while (Math.abs(value) >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String seconds(double s) {
        if (!Double.isFinite(s)) {
            return "-";
        }
        return s < 100 ? String.format(Locale.ROOT, "%.2f s", s) : String.format(Locale.ROOT, "%,.0f s", s);
    }

    /** All candidates that fit in memory. */
    public List<Candidate> feasible() {
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.feasible()) {
                out.add(c);
            }
        }
        return out;
    }
}
