package org.cerebro.space;

import java.util.ArrayList;
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
    private final List<HParam<?>> params;

    private SearchSpace(List<HParam<?>> params) {
        this.params = List.copyOf(params);
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
        Set<String> names = new HashSet<>();
        for (HParam<?> p : params) {
            if (!names.add(p.name())) {
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
            SplittableRandom random = new SplittableRandom(Seeds.mix(trialSeed, Seeds.hash(p.name())));
            values.put(p.name(), p.sample(random));
        }
        return new Config(values);
    }

    /**
     * Number of grid points: the product of every parameter's grid size.
     *
     * @throws IllegalArgumentException for a continuous parameter without grid points, or a grid
     *                                  over {@link Long#MAX_VALUE} points
     */
    public long gridSize() {
        long size = 1;
        for (HParam<?> p : params) {
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
     * point is materialised before it is asked for.
     */
    public Config gridPoint(long index) {
        long size = gridSize();
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("grid index=" + index + " size=" + size);
        }
        Object[] chosen = new Object[params.size()];
        long rest = index;
        for (int i = params.size() - 1; i >= 0; i--) {
            long n = params.get(i).gridSize();
            chosen[i] = params.get(i).gridValue(rest % n);
            rest /= n;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            values.put(params.get(i).name(), chosen[i]);
        }
        return new Config(values);
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
