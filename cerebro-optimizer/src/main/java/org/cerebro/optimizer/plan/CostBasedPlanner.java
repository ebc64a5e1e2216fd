package org.cerebro.optimizer.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.cerebro.plan.Candidate;
import org.cerebro.plan.DataParallelProfile;
import org.cerebro.plan.ModelProfile;
import org.cerebro.plan.Operator;
import org.cerebro.plan.PhysicalPlan;
import org.cerebro.plan.Planner;
import org.cerebro.plan.PlanningInput;
import org.cerebro.plan.PlanningRequest;
import org.cerebro.plan.ThreadChoice;
import org.cerebro.space.Config;

/**
 * The cost-based planner: profiles the model (or reuses a cached profile), estimates every
 * operator with the {@link CostModel}, and chooses the fastest plan that fits in memory. Within 2%
 * it prefers, in order, MOP, hybrid, task parallelism and data parallelism: fewer copies of the
 * data and fewer bytes on the wire. Registered with {@code ServiceLoader}, so a search finds it
 * when cerebro-optimizer is on the class path. Thread-safe: stateless.
 */
public final class CostBasedPlanner implements Planner {
    private static final List<Operator> PREFERENCE = List.of(Operator.MOP, Operator.HYBRID, Operator.TASK_PARALLEL,
        Operator.DATA_PARALLEL);
    /** Estimates closer than this are a tie, broken by preference: estimates are not finer. */
    private static final double TIE = 1.02;
    /** Seconds of timed training the profiles of one request take, split among its configs (as long again warming up). */
    private static final double PROFILE_SECONDS = 0.6;

    @Override
    public String name() {
        return "cost-based";
    }

    @Override
    public PhysicalPlan plan(PlanningRequest request) {
        // first: the profiles are measured under the chosen split
        ThreadChoice threads = request.threads() != null ? request.threads() : threads(request);
        return choose(request.input(profile(request), dataParallelProfile(request), threads));
    }

    /** The measured thread split for the request's workers (on its first sampled config), or the even one. */
    private static ThreadChoice threads(PlanningRequest request) {
        try {
            return new Profiler(PROFILE_SECONDS / 4, 10).chooseThreads(request.trainable(), request.sampleConfigs().get(0),
                request.data(), request.sample(), request.workers());
        } catch (RuntimeException e) {
            request.trainable().configureWorkers(request.workers());
            return ThreadChoice.even(request.workers(), "measuring the split failed (" + e + "): cores split evenly");
        }
    }

    /**
     * The data-parallel profile of the request's first sampled config on as many ranks as there
     * are workers, or why there is none (the planner then does not consider data parallelism).
     */
    private static DataParallelProfile dataParallelProfile(PlanningRequest request) {
        String impossible = request.dataParallelImpossible();
        if (impossible != null) {
            return DataParallelProfile.unavailable(impossible);
        }
        int[] active = CostModel.activePerLevel(request.epochsPerTrial());
        if (2 * active[active.length - 1] > request.workers()) {
            return DataParallelProfile.unavailable("the stage keeps more than half the workers busy to its end ("
                + active[active.length - 1] + " trial(s) in its last epoch for " + request.workers() + " workers): not"
                + " measured");
        }
        try {
            return new Profiler(PROFILE_SECONDS / 2, 10).profileDataParallel(request.trainable(),
                request.sampleConfigs().get(0), request.data(), request.sample(), request.workers());
        } catch (RuntimeException e) {
            return DataParallelProfile.unavailable("profiling it failed: " + e);
        }
    }

    /**
     * The mean profile over the request's sampled configs (each measured or read from the cache):
     * mean seconds per sample, the largest state (memory must fit the largest config).
     */
    private ModelProfile profile(PlanningRequest request) {
        List<ModelProfile> profiles = new ArrayList<>();
        Profiler profiler = new Profiler(PROFILE_SECONDS / request.sampleConfigs().size(), 20);
        ProfileCache cache = request.profileCache() == null ? null : ProfileCache.open(request.profileCache());
        try {
            java.util.Map<Config, ModelProfile> known = new java.util.HashMap<>();
            List<Config> missing = new ArrayList<>();
            for (Config config : request.sampleConfigs()) {
                ModelProfile cached = cache == null ? null
                    : cache.get(Profiler.key(request.trainable(), config, request.device()));
                if (cached != null) {
                    known.put(config, cached);
                } else {
                    missing.add(config);
                }
            }
            if (!missing.isEmpty()) { // measured together, interleaved
                List<ModelProfile> measured = profiler.profile(request.trainable(), missing, request.data(),
                    request.sample(), request.device());
                for (int i = 0; i < missing.size(); i++) {
                    known.put(missing.get(i), measured.get(i));
                    if (cache != null) {
                        cache.put(measured.get(i));
                    }
                }
            }
            request.sampleConfigs().forEach(config -> profiles.add(known.get(config)));
        } finally {
            if (cache != null) {
                cache.close();
            }
        }
        if (profiles.size() == 1) {
            return profiles.get(0);
        }
        double train = profiles.stream().mapToDouble(ModelProfile::secondsPerSample).average().orElseThrow();
        double eval = profiles.stream().mapToDouble(ModelProfile::evalSecondsPerSample).average().orElseThrow();
        long state = profiles.stream().mapToLong(ModelProfile::stateBytes).max().orElseThrow();
        java.time.Instant at = profiles.stream().map(ModelProfile::measuredAt).max(Comparator.naturalOrder()).orElseThrow();
        double min = profiles.stream().mapToDouble(ModelProfile::secondsPerSample).min().orElseThrow();
        double max = profiles.stream().mapToDouble(ModelProfile::secondsPerSample).max().orElseThrow();
        return new ModelProfile(request.trainable().name() + ", mean of " + profiles.size() + " sampled configs on "
            + request.device(), train, eval, state, at, String.format(Locale.ROOT,
            "%s; per config %.2e..%.2e s/sample", profiles.get(0).source(), min, max));
    }

    /** Estimates every operator for {@code in} and chooses. */
    public static PhysicalPlan choose(PlanningInput in) {
        List<Candidate> candidates = CostModel.estimate(in);
        List<Candidate> feasible = candidates.stream().filter(Candidate::feasible).toList();
        if (feasible.isEmpty()) {
            Candidate smallest = candidates.stream().min(Comparator.comparingLong(Candidate::memoryPerWorker)).orElseThrow();
            return new PhysicalPlan("cost-based", in, smallest.operator(), candidates,
                "no plan fits in memory; this one needs the least (" + smallest.note() + "): use more workers or less data",
                smallest.operator().name());
        }
        double fastest = feasible.stream().mapToDouble(Candidate::makespanSeconds).min().orElseThrow();
        Candidate chosen = feasible.stream()
            .filter(c -> c.makespanSeconds() <= fastest * TIE)
            .min(Comparator.comparingInt(c -> PREFERENCE.indexOf(c.operator())))
            .orElseThrow();
        return new PhysicalPlan("cost-based", in, chosen.operator(), candidates,
            reason(in, chosen, feasible, candidates, fastest), chosen.operator().name());
    }

    private static String reason(PlanningInput in, Candidate chosen, List<Candidate> feasible, List<Candidate> all,
                                 double fastest) {
        StringBuilder why = new StringBuilder(chosen.makespanSeconds() <= fastest * (1 + 1e-9)
            ? "fastest feasible plan" : "within 2% of the fastest feasible plan, and preferred");
        int p = in.workers();
        int[] active = CostModel.activePerLevel(in.epochsPerTrial());
        int narrowest = active[active.length - 1];
        switch (chosen.operator()) {
            case MOP -> why.append(String.format(Locale.ROOT, "; %d trials keep %d worker(s) busy while the data stays"
                + " partitioned", in.trials(), p));
            case HYBRID -> why.append(String.format(Locale.ROOT, "; the stage narrows to %d trial(s) for %d workers"
                + " (at most p/2 = %s): MOP while wide, then data parallel so no worker idles (measured speed-up"
                + " %.2fx)", narrowest, p, half(p), in.dataParallel().speedup()));
            case DATA_PARALLEL -> why.append(String.format(Locale.ROOT, "; %d trial(s) for %d workers (at most p/2 = %s):"
                + " MOP would leave workers idle (measured speed-up %.2fx)", in.trials(), p, half(p),
                in.dataParallel().speedup()));
            case TASK_PARALLEL -> why.append("; whole trials balance better than hops here and the data fits on"
                + " every worker");
        }
        feasible.stream().filter(c -> c != chosen)
            .min(Comparator.comparingDouble(Candidate::makespanSeconds))
            .ifPresent(next -> why.append(next.makespanSeconds() < chosen.makespanSeconds() * (1 - 1e-9)
                ? String.format(Locale.ROOT, "; %s is estimated %.0f%% faster, within the tie, and preferred less",
                    next.operator(), 100 * (1 - next.makespanSeconds() / chosen.makespanSeconds()))
                : String.format(Locale.ROOT, "; next best %s is %.2fx slower", next.operator(),
                    next.makespanSeconds() / chosen.makespanSeconds())));
        long infeasible = all.stream().filter(c -> !c.feasible() && Double.isFinite(c.makespanSeconds())).count();
        if (infeasible > 0) {
            why.append("; ").append(infeasible).append(" infeasible (memory)");
        }
        return why.toString();
    }

    private static String half(int p) {
        return p % 2 == 0 ? String.valueOf(p / 2) : p / 2 + ".5";
    }
}
