package org.cerebro.space;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A set of hyperparameters with distinct names. Configs are drawn with a generator per
 * (search seed, trial index, parameter name), so the same seed gives the same configs, and two
 * parameters with the same range draw different values. The grid is enumerated lazily: a grid of
 * 10^9 points costs no memory. Immutable and thread-safe.
 */
public final class SearchSpace {
    /** The most combinations of conditional parameters and their parents a grid enumerates. */
    static final int MAX_CONDITIONAL_COMBINATIONS = 1_000_000;

    private final List<HParam<?>> params;
    /** Parameters that are conditional or parents of one (empty without conditions): their combinations, listed. */
    private final List<HParam<?>> linked;
    /** The rest, enumerated by mixed radix. */
    private final List<HParam<?>> free;
    private List<Map<String, Object>> combinations;

    private SearchSpace(List<HParam<?>> params) {
        this.params = List.copyOf(params);
        Set<String> parents = new HashSet<>();
        for (HParam<?> p : params) {
            if (p.parent() != null) {
                parents.add(p.parent());
            }
        }
        List<HParam<?>> linkedParams = new ArrayList<>();
        List<HParam<?>> freeParams = new ArrayList<>();
        for (HParam<?> p : params) {
            (p.parent() != null || parents.contains(p.name()) ? linkedParams : freeParams).add(p);
        }
        this.linked = List.copyOf(linkedParams);
        this.free = List.copyOf(freeParams);
    }

    /**
     * A space of these parameters.
     *
     * @throws IllegalArgumentException when there are none or two share a name
     */
    public static SearchSpace of(HParam<?>... params) {
        return of(List.of(params));
    }

    /** A space of these parameters. */
    public static SearchSpace of(List<HParam<?>> params) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("search space is empty: expected at least one hyperparameter");
        }
        Map<String, HParam<?>> declared = new LinkedHashMap<>();
        for (HParam<?> p : params) {
            if (p.parent() != null) {
                HParam<?> parent = declared.get(p.parent());
                if (parent == null) {
                    throw new IllegalArgumentException("hyperparameter " + p.name() + " depends on " + p.parent()
                        + (params.stream().anyMatch(q -> q.name().equals(p.parent())) ? ", declared after it: declare"
                        + " the parent first" : ", which is not in the space"));
                }
                for (Object value : p.parentValues()) {
                    if (!parent.contains(value)) {
                        throw new IllegalArgumentException("hyperparameter " + p.name() + ": when(" + p.parent() + ", "
                            + value + ") but " + parent + " never takes " + value);
                    }
                }
            }
            if (declared.put(p.name(), p) != null) {
                throw new IllegalArgumentException("search space has duplicate hyperparameter name=" + p.name());
            }
        }
        return new SearchSpace(params);
    }

    /** The parameters, in declaration order. */
    public List<HParam<?>> params() {
        return params;
    }

    /** The config of trial {@code trialIndex} of a random search seeded with {@code seed}. */
    public Config sample(long seed, long trialIndex) {
        long trialSeed = Seeds.mix(seed, trialIndex);
        Map<String, Object> values = new LinkedHashMap<>();
        for (HParam<?> p : params) {
            if (p.activeGiven(values)) { // each parameter's own stream: conditions do not shift the others
                SplittableRandom random = new SplittableRandom(Seeds.mix(trialSeed, Seeds.hash(p.name())));
                values.put(p.name(), p.sample(random));
            }
        }
        return new Config(values);
    }

    /**
     * Number of grid points: the product of every parameter's grid size; with conditional
     * parameters, the combinations of the linked parameters (only those active) times the product
     * of the others.
     *
     * @throws IllegalArgumentException for a continuous parameter without grid points, a grid
     *                                  over {@link Long#MAX_VALUE} points, or more than a million
     *                                  combinations of conditional parameters
     */
    public long gridSize() {
        long size = linked.isEmpty() ? 1 : combinations().size();
        for (HParam<?> p : free) {
            long n = p.gridSize();
            if (size > Long.MAX_VALUE / n) {
                throw new IllegalArgumentException("grid is larger than " + Long.MAX_VALUE + " points");
            }
            size *= n;
        }
        return size;
    }

    /**
     * Grid point {@code index}: the last parameter varies fastest (mixed-radix decoding), so no
     * point is materialised before it is asked for; with conditions, the combinations of the
     * conditional parameters and their parents vary slowest.
     */
    public Config gridPoint(long index) {
        long size = gridSize();
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("grid index=" + index + " size=" + size);
        }
        Map<String, Object> chosen = new HashMap<>();
        long rest = index;
        for (int i = free.size() - 1; i >= 0; i--) {
            long n = free.get(i).gridSize();
            chosen.put(free.get(i).name(), free.get(i).gridValue(rest % n));
            rest /= n;
        }
        if (!linked.isEmpty()) {
            chosen.putAll(combinations().get((int) rest));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (HParam<?> p : params) {
            if (chosen.containsKey(p.name())) {
                values.put(p.name(), chosen.get(p.name()));
            }
        }
        return new Config(values);
    }

    /** Every combination of the linked parameters' grid values, each with only its active ones. */
    private synchronized List<Map<String, Object>> combinations() {
        if (combinations == null) {
            List<Map<String, Object>> all = new ArrayList<>();
            combine(0, new LinkedHashMap<>(), all);
            combinations = List.copyOf(all);
        }
        return combinations;
    }

    private void combine(int at, LinkedHashMap<String, Object> partial, List<Map<String, Object>> out) {
        if (at == linked.size()) {
            if (out.size() >= MAX_CONDITIONAL_COMBINATIONS) {
                throw new IllegalArgumentException("the conditional parameters " + linked.stream().map(HParam::name)
                    .toList() + " and their parents have more than " + MAX_CONDITIONAL_COMBINATIONS + " combinations:"
                    + " too many for a grid; use random search or fewer grid points");
            }
            out.add(Map.copyOf(partial));
            return;
        }
        HParam<?> p = linked.get(at);
        if (!p.activeGiven(partial)) {
            combine(at + 1, partial, out);
            return;
        }
        for (long i = 0; i < p.gridSize(); i++) {
            partial.put(p.name(), p.gridValue(i));
            combine(at + 1, partial, out);
            partial.remove(p.name());
        }
    }

    /** The continuous parameters without grid points (a grid over this space needs none). */
    public List<String> ungriddable() {
        List<String> names = new ArrayList<>();
        for (HParam<?> p : params) {
            if (!p.hasGrid()) {
                names.add(p.name());
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return "SearchSpace" + params;
    }
}
