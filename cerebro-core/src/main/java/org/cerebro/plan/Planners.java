package org.cerebro.plan;

import java.time.Instant;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds the planner on the class path ({@code ServiceLoader}); without one (cerebro-core alone)
 * a search still gets a plan, MOP, whose EXPLAIN says that no cost-based planner was there.
 */
public final class Planners {
    private Planners() {
    }

    /** The first planner registered, or the fallback. */
    public static Planner find() {
        for (Planner planner : ServiceLoader.load(Planner.class, Planners.class.getClassLoader())) {
            return planner;
        }
        return Fallback.INSTANCE;
    }

    /** The planner used when none is registered: MOP, unestimated. */
    public static Planner fallback() {
        return Fallback.INSTANCE;
    }

    /** MOP, unestimated: what runs when no cost-based planner is on the class path. */
    static final class Fallback implements Planner {
        static final Fallback INSTANCE = new Fallback();

        @Override
        public String name() {
            return "no";
        }

        @Override
        public PhysicalPlan plan(PlanningRequest request) {
            ModelProfile unprofiled = new ModelProfile(request.trainable().name(), Double.NaN, Double.NaN, 0, Instant.now(),
                "not profiled");
            Candidate mop = new Candidate(Operator.MOP, Double.NaN, 0, 0, true, "not estimated");
            return new PhysicalPlan(name(), request.input(unprofiled), Operator.MOP, List.of(mop),
                "no cost-based planner on the class path (add org.cerebro:cerebro-optimizer to estimate and choose)",
                Operator.MOP.name());
        }
    }
}
