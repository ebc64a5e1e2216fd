package org.cerebro.strategy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.space.Seeds;

/**
 * Population-based training (Jaderberg et al. 2017) with Ray Tune's defaults, synchronous: a
 * population of trials (configs from a {@link Sampler}) trains {@link #perturbationInterval()}
 * epochs at a time; when every member has reached the boundary, those in the bottom
 * {@link #quantile()} (by the score at the boundary) each take over the state (parameters and
 * optimizer state) of a random member of the top quantile and <b>explore</b>: every mutable
 * parameter of the copied config ({@link #mutations}: by default the continuous ones, such as the
 * learning rate, momentum and weight decay; never the architecture, which the copied state fixes)
 * is resampled from the space with probability {@link #resampleProbability()},
 * else a number is multiplied by 0.8 or 1.2 (clamped to its range, rounded and quantized as the
 * parameter is) and a choice moves to a neighbouring value. Then the whole population trains to
 * the next boundary, up to {@link #maxEpochs()}. The quantile holds
 * {@code min(ceil(n * quantile), floor(n / 2))} trials, as in Ray. Synchronous generations (Ray's
 * {@code synch=True}) make the decisions depend only on the scores, never on timing.
 *
 * <p>The trainable must read the hyperparameters that PBT changes when a state is restored (the
 * pure-Java MLP and {@code DjlTrainable} rebuild their optimizer from the config, keeping its
 * moments): the new values apply from the unit after the exploit. Each epoch's config is in
 * {@code EpochRecord.config()}. With an experiment directory a takeover is recorded before the
 * trial trains again (its checkpoint becomes a copy of the source's state), so a search killed
 * anywhere resumes to the results of an uninterrupted run.
 *
 * <pre>{@code
 * Strategy.pbt(16, 20)                                   // 16 trials, 20 epochs, perturb every 2
 * Strategy.pbt(16, 20).perturbationInterval(4).quantile(0.2).resampleProbability(0.1)
 * }</pre>
 */
public final class PopulationBasedTraining implements Strategy {
    private final int population;
    private final int maxEpochs;
    private final int interval;
    private final double quantile;
    private final double resample;
    private final Sampler sampler;
    private final List<String> mutations; // empty: the continuous parameters

    PopulationBasedTraining(int population, int maxEpochs, int interval, double quantile, double resample,
                            Sampler sampler) {
        this(population, maxEpochs, interval, quantile, resample, sampler, List.of());
    }

    private PopulationBasedTraining(int population, int maxEpochs, int interval, double quantile, double resample,
                                    Sampler sampler, List<String> mutations) {
        if (population < 2) {
            throw new IllegalArgumentException("pbt population=" + population + " expected >= 2");
        }
        Strategy.checkEpochs("epochs", maxEpochs);
        if (interval < 1 || interval > maxEpochs) {
            throw new IllegalArgumentException("pbt perturbationInterval=" + interval + " expected 1.." + maxEpochs);
        }
        if (!(quantile > 0 && quantile <= 0.5)) {
            throw new IllegalArgumentException("pbt quantile=" + quantile + " expected in (0, 0.5]");
        }
        if (!(resample >= 0 && resample <= 1)) {
            throw new IllegalArgumentException("pbt resampleProbability=" + resample + " expected in [0, 1]");
        }
        this.population = population;
        this.maxEpochs = maxEpochs;
        this.interval = interval;
        this.quantile = quantile;
        this.resample = resample;
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.mutations = List.copyOf(mutations);
    }

    /**
     * The parameters a perturbation may change (numbers are scaled, choices move to a neighbour);
     * the others keep the values of the trial whose state is copied. Default: the continuous
     * parameters. Name only what a trainable reads anew when it restores a state (not layer sizes).
     */
    public PopulationBasedTraining mutations(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("pbt mutations: expected at least one parameter name");
        }
        return new PopulationBasedTraining(population, maxEpochs, interval, quantile, resample, sampler, List.of(names));
    }

    /** Epochs between perturbations (default 2, at most the epochs). */
    public PopulationBasedTraining perturbationInterval(int epochs) {
        return new PopulationBasedTraining(population, maxEpochs, epochs, quantile, resample, sampler, mutations);
    }

    /** The share of the population replaced, and copied from, at each perturbation (default 0.25). */
    public PopulationBasedTraining quantile(double fraction) {
        return new PopulationBasedTraining(population, maxEpochs, interval, fraction, resample, sampler, mutations);
    }

    /** The probability that a parameter is resampled rather than perturbed (default 0.25). */
    public PopulationBasedTraining resampleProbability(double probability) {
        return new PopulationBasedTraining(population, maxEpochs, interval, quantile, probability, sampler, mutations);
    }

    /** Where the initial population's configs come from (default random). */
    public PopulationBasedTraining sampler(Sampler sampler) {
        return new PopulationBasedTraining(population, maxEpochs, interval, quantile, resample, sampler, mutations);
    }

    /** The number of trials. */
    public int population() {
        return population;
    }

    /** Epochs between perturbations. */
    public int perturbationInterval() {
        return interval;
    }

    /** The share replaced at each perturbation. */
    public double quantile() {
        return quantile;
    }

    /** The probability a parameter is resampled. */
    public double resampleProbability() {
        return resample;
    }

    /**
     * @throws IllegalArgumentException when a named mutation is not in the space, or nothing in it can mutate
     */
    @Override
    public StrategyState begin(SearchSpace space, long seed) {
        Set<String> mutable = new HashSet<>();
        for (HParam<?> param : space.params()) {
            if (mutations.isEmpty() ? param.kind() == HParam.Kind.CONTINUOUS : mutations.contains(param.name())) {
                mutable.add(param.name());
            }
        }
        for (String name : mutations) {
            if (space.params().stream().noneMatch(p -> p.name().equals(name))) {
                throw new IllegalArgumentException("pbt mutation " + name + " is not in the space "
                    + space.params().stream().map(HParam::name).toList());
            }
        }
        if (mutable.isEmpty()) {
            throw new IllegalArgumentException("pbt over " + space.params().stream().map(HParam::name).toList()
                + ": no continuous parameter to perturb; name the ones to change with mutations(...)");
        }
        return new State(space, seed, sampler.begin(space, seed), mutable);
    }

    @Override
    public int minEpochs() {
        return interval;
    }

    @Override
    public int maxEpochs() {
        return maxEpochs;
    }

    /** Every member trains every epoch. */
    @Override
    public List<Integer> plannedEpochs(SearchSpace space, int workers, int cap) {
        return java.util.Collections.nCopies(Math.min(cap, population), maxEpochs);
    }

    /** The whole population is in flight: a generation waits for its slowest member. */
    @Override
    public int targetConcurrency(int workers) {
        return population;
    }

    @Override
    public String describe() {
        return "pbt(population=" + population + ", epochs=" + maxEpochs + ", interval=" + interval + ", quantile="
            + quantile + ", resample=" + resample + (mutations.isEmpty() ? "" : ", mutations=" + mutations)
            + (sampler == Sampler.random() ? "" : ", sampler=" + sampler.describe()) + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PopulationBasedTraining p && p.population == population && p.maxEpochs == maxEpochs
            && p.interval == interval && p.quantile == quantile && p.resample == resample && p.sampler.equals(sampler)
            && p.mutations.equals(mutations);
    }

    @Override
    public int hashCode() {
        return Objects.hash(population, maxEpochs, interval, quantile, resample, sampler, mutations);
    }

    /** The quantile's size for {@code n} members, as Ray computes it. */
    static int quantileSize(int n, double quantile) {
        return Math.min((int) Math.ceil(n * quantile), n / 2);
    }

    private final class State implements StrategyState {
        private final SearchSpace space;
        private final long seed;
        private final SamplerState samplerState;
        private final Set<String> mutable;
        private final Map<Integer, Config> configs = new HashMap<>();
        private final Set<Integer> alive = new HashSet<>();
        private final Map<Integer, Double> atBoundary = new LinkedHashMap<>();
        private final Deque<Decision> ready = new ArrayDeque<>();
        private int started;
        private int boundary = interval;
        private int generation;

        State(SearchSpace space, long seed, SamplerState samplerState, Set<String> mutable) {
            this.space = space;
            this.seed = seed;
            this.samplerState = samplerState;
            this.mutable = mutable;
        }

        @Override
        public Decision next() {
            if (started < population) {
                int id = started++;
                Config config = samplerState.next(id);
                configs.put(id, config);
                alive.add(id);
                return new Decision.Start(id, config, boundary);
            }
            if (!ready.isEmpty()) {
                return ready.poll();
            }
            return alive.isEmpty() ? Decision.DONE : Decision.WAIT;
        }

        @Override
        public EpochDecision epochEnded(int trialId, int epoch, double score) {
            samplerState.observe(trialId, epoch, score);
            if (epoch >= maxEpochs) {
                alive.remove(trialId);
                return EpochDecision.STOP;
            }
            if (epoch < boundary) {
                return EpochDecision.CONTINUE;
            }
            atBoundary.put(trialId, score);
            perturbWhenComplete();
            return EpochDecision.PAUSE;
        }

        @Override
        public void trialFailed(int trialId, int epoch, String reason) {
            samplerState.failed(trialId);
            alive.remove(trialId);
            atBoundary.remove(trialId);
            perturbWhenComplete();
        }

        @Override
        public List<RungReport> rungs() {
            return List.of();
        }

        /** Once every live member has reported at the boundary: exploit and explore, then resume all. */
        private void perturbWhenComplete() {
            if (started < population || atBoundary.isEmpty() || !atBoundary.keySet().containsAll(alive)) {
                return;
            }
            List<Integer> ranked = new ArrayList<>(alive);
            ranked.sort(Comparator.comparingDouble((Integer id) -> -atBoundary.get(id)).thenComparing(id -> id));
            int k = quantileSize(ranked.size(), quantile);
            List<Integer> top = ranked.subList(0, k);
            Set<Integer> bottom = new HashSet<>(ranked.subList(ranked.size() - k, ranked.size()));
            SplittableRandom random = new SplittableRandom(Seeds.mix(Seeds.mix(seed, 0x9b7L), generation++));
            int next = Math.min(boundary + interval, maxEpochs);
            List<Integer> byId = new ArrayList<>(alive);
            byId.sort(null);
            List<Decision> resumes = new ArrayList<>();
            for (int id : byId) { // the exploits first: their sources must still be paused
                if (bottom.contains(id)) {
                    int source = top.get(random.nextInt(top.size()));
                    Config explored = explore(configs.get(source), random);
                    configs.put(id, explored);
                    ready.add(new Decision.Exploit(id, source, explored, next));
                } else {
                    resumes.add(new Decision.Resume(id, next));
                }
            }
            ready.addAll(resumes);
            atBoundary.clear();
            boundary = next;
        }

        /** Resample each parameter with the resample probability, else perturb it (x0.8 / x1.2, or a neighbour). */
        private Config explore(Config config, SplittableRandom random) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (HParam<?> param : space.params()) {
                if (!param.activeGiven(values)) {
                    continue;
                }
                Object value = config.values().get(param.name());
                if (value != null && (!mutable.contains(param.name()) || param.kind() == HParam.Kind.CONSTANT)) {
                    values.put(param.name(), value); // as the copied state was trained
                } else if (value == null || random.nextDouble() < resample) {
                    values.put(param.name(), param.sample(random)); // newly active, or resampled
                } else if (param.kind() == HParam.Kind.CHOICE) {
                    List<?> choices = param.values();
                    int at = choices.indexOf(value);
                    int step = random.nextBoolean() ? 1 : -1;
                    values.put(param.name(), choices.get(Math.max(0, Math.min(choices.size() - 1, at + step))));
                } else {
                    double factor = random.nextBoolean() ? 1.2 : 0.8;
                    double perturbed = ((Number) value).doubleValue() * factor;
                    values.put(param.name(), param.atCoordinate(param.coordinate(perturbed)));
                }
            }
            return Config.of(values);
        }
    }
}
