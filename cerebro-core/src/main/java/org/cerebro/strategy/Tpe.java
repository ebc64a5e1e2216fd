package org.cerebro.strategy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.cerebro.space.Config;
import org.cerebro.space.HParam;
import org.cerebro.space.SearchSpace;
import org.cerebro.space.Seeds;

/**
 * The Tree-structured Parzen Estimator (Bergstra et al. 2011), univariate, with the behaviour of
 * Optuna's {@code TPESampler} defaults: the first {@link #startupTrials} trials are random; then,
 * of the n trials scored so far, the best {@code gamma(n) = min(ceil(0.1 n), 25)} are "good" and
 * the rest "bad"; for each hyperparameter, a Parzen estimator is fitted to each group (a
 * truncated Gaussian per observation in the parameter's model coordinate, log10 for log
 * parameters; bandwidths from the distances between neighbours, clipped below at
 * {@code range / min(100, 1 + n)} (the "magic clip"); a prior component over the whole range with
 * weight {@link #priorWeight}; observations older than the last 25 weighted down linearly), and
 * of {@link #candidates} values drawn from the good estimator the one maximising
 * {@code l(x) / g(x)} is chosen. Choices get categorical estimators with the same weights.
 *
 * <p>Under a strategy that trains trials for different numbers of epochs (ASHA) trials are ranked
 * as Optuna ranks pruned ones: those trained further first, then by the score at their last epoch,
 * so the trials ASHA promoted are the good ones and those it left behind the bad ones.
 * Deterministic: the same seed and the same scores in the same order give the same configs.
 *
 * <p>{@link #constantLiar(boolean)} (off by default, as in Optuna) counts the trials still
 * running, which have a config but no score yet, as the worst observations: with many trials in
 * flight (MOP keeps two per worker) the sampler then does not propose near-copies of the configs
 * already being tried. {@link #multivariate(boolean)} (off by default, as in Optuna) models the
 * parameters jointly. Immutable.
 */
public final class Tpe implements Sampler {
    static final Tpe DEFAULTS = new Tpe(10, 24, 1.0, false, false);
    private static final int FULL_WEIGHT_TRIALS = 25;

    private final int startupTrials;
    private final int candidates;
    private final double priorWeight;
    private final boolean constantLiar;
    private final boolean multivariate;

    private Tpe(int startupTrials, int candidates, double priorWeight, boolean constantLiar, boolean multivariate) {
        if (startupTrials < 2 || candidates < 1 || !(priorWeight > 0) || !Double.isFinite(priorWeight)) {
            throw new IllegalArgumentException("tpe startupTrials=" + startupTrials + " candidates=" + candidates
                + " priorWeight=" + priorWeight + " expected >= 2, >= 1 and a finite weight > 0");
        }
        this.startupTrials = startupTrials;
        this.candidates = candidates;
        this.priorWeight = priorWeight;
        this.constantLiar = constantLiar;
        this.multivariate = multivariate;
    }

    /** Random trials before the model is used (default 10, at least 2). */
    public Tpe startupTrials(int trials) {
        return new Tpe(trials, candidates, priorWeight, constantLiar, multivariate);
    }

    /** Values drawn from the good estimator per decision (default 24). */
    public Tpe candidates(int count) {
        return new Tpe(startupTrials, count, priorWeight, constantLiar, multivariate);
    }

    /** Weight of the prior component of every estimator (default 1). */
    public Tpe priorWeight(double weight) {
        return new Tpe(startupTrials, candidates, weight, constantLiar, multivariate);
    }

    /** Whether trials still running count as the worst observations (default false). */
    public Tpe constantLiar(boolean on) {
        return new Tpe(startupTrials, candidates, priorWeight, on, multivariate);
    }

    /**
     * Whether the parameters (those always present) are modelled jointly (default false, as in
     * Optuna): one Parzen estimator over all of them, each observation a product kernel with
     * Scott-like bandwidths {@code 0.2 n^(-1/(d+4))} of each range, so interactions between
     * parameters are learnt; conditional parameters stay univariate.
     */
    public Tpe multivariate(boolean on) {
        return new Tpe(startupTrials, candidates, priorWeight, constantLiar, on);
    }

    /** Random trials before the model is used. */
    public int startupTrials() {
        return startupTrials;
    }

    @Override
    public SamplerState begin(SearchSpace space, long seed) {
        return new State(space, seed);
    }

    @Override
    public String describe() {
        return "tpe(startup=" + startupTrials + ", candidates=" + candidates + ", priorWeight=" + priorWeight
            + (constantLiar ? ", constantLiar" : "") + (multivariate ? ", multivariate" : "") + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tpe t && t.startupTrials == startupTrials && t.candidates == candidates
            && t.priorWeight == priorWeight && t.constantLiar == constantLiar && t.multivariate == multivariate;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(startupTrials, candidates, priorWeight, constantLiar, multivariate);
    }

    /** {@code gamma(n)}: how many of n scored trials are the good ones. */
    static int good(int n) {
        return Math.min((int) Math.ceil(0.1 * n), 25);
    }

    /** Weights of n observations, oldest first: the last 25 full, older ones linearly less (from 1/n). */
    static double[] ageWeights(int n) {
        double[] weights = new double[n];
        java.util.Arrays.fill(weights, 1.0);
        int ramp = n - FULL_WEIGHT_TRIALS;
        for (int i = 0; i < ramp; i++) {
            weights[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1 - 1.0 / n) * i / (ramp - 1);
        }
        return weights;
    }

    private final class State implements SamplerState {
        private final SearchSpace space;
        private final long seed;
        private final Map<Integer, Config> configs = new LinkedHashMap<>();
        private final Map<Integer, TreeMap<Integer, Double>> scores = new LinkedHashMap<>();
        private final java.util.Set<Integer> failed = new java.util.HashSet<>();

        State(SearchSpace space, long seed) {
            this.space = space;
            this.seed = seed;
        }

        @Override
        public Config next(int trialId) {
            Config config = model(trialId);
            configs.put(trialId, config);
            return config;
        }

        @Override
        public void observe(int trialId, int epoch, double score) {
            if (Double.isFinite(score)) {
                scores.computeIfAbsent(trialId, t -> new TreeMap<>()).put(epoch, score);
            }
        }

        @Override
        public void failed(int trialId) {
            scores.remove(trialId);
            failed.add(trialId);
        }

        private Config model(int trialId) {
            // every trial scored so far (oldest first), ranked as Optuna ranks complete and pruned
            // trials: further trained first (a trial paused or stopped early lost to those that went
            // on), then by its score at its last epoch
            List<Config> observed = new ArrayList<>();
            List<int[]> epochs = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (Map.Entry<Integer, TreeMap<Integer, Double>> entry : scores.entrySet()) {
                Map.Entry<Integer, Double> last = entry.getValue().lastEntry();
                if (last != null) {
                    observed.add(configs.get(entry.getKey()));
                    epochs.add(new int[] {last.getKey()});
                    values.add(last.getValue());
                }
            }

            int scored = observed.size(); // as Optuna: startup and gamma count scored trials only
            if (scored < startupTrials) {
                return space.sample(seed, trialId);
            }
            if (constantLiar) { // trials given a config and not scored yet: the worst, so they land among the bad
                for (Map.Entry<Integer, Config> entry : configs.entrySet()) {
                    if (!scores.containsKey(entry.getKey()) && !failed.contains(entry.getKey())) {
                        observed.add(entry.getValue());
                        epochs.add(new int[] {0});
                        values.add(Double.NEGATIVE_INFINITY);
                    }
                }
            }
            int n = observed.size();
            Integer[] byScore = new Integer[n];
            for (int i = 0; i < n; i++) {
                byScore[i] = i;
            }
            java.util.Arrays.sort(byScore, (a, b) -> epochs.get(a)[0] != epochs.get(b)[0]
                ? Integer.compare(epochs.get(b)[0], epochs.get(a)[0]) : Double.compare(values.get(b), values.get(a)));
            boolean[] isGood = new boolean[n];
            for (int i = 0; i < good(scored); i++) {
                isGood[byScore[i]] = true;
            }
            double[] ages = ageWeights(n);
            Map<String, Object> chosen = new LinkedHashMap<>();
            long trialSeed = Seeds.mix(Seeds.mix(seed, 0x7e5L), trialId);
            Map<String, Object> joint = Map.of();
            if (multivariate) {
                List<HParam<?>> group = space.params().stream()
                    .filter(p -> p.parent() == null && p.kind() != HParam.Kind.CONSTANT).toList();
                if (!group.isEmpty()) {
                    JointParzen good = new JointParzen(group, observed, isGood, true, ages, priorWeight);
                    JointParzen bad = new JointParzen(group, observed, isGood, false, ages, priorWeight);
                    SplittableRandom random = new SplittableRandom(Seeds.mix(trialSeed, 0x301L));
                    double[][] best = null;
                    double bestRatio = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < candidates; c++) {
                        double[][] x = good.sample(random);
                        double ratio = good.logDensity(x) - bad.logDensity(x);
                        if (ratio > bestRatio) {
                            bestRatio = ratio;
                            best = x;
                        }
                    }
                    joint = good.values(best);
                }
            }
            for (HParam<?> param : space.params()) {
                if (!param.activeGiven(chosen)) {
                    continue; // a conditional parameter whose parent took another value does not exist here
                }
                if (joint.containsKey(param.name())) {
                    chosen.put(param.name(), joint.get(param.name()));
                    continue;
                }
                SplittableRandom random = new SplittableRandom(Seeds.mix(trialSeed, Seeds.hash(param.name())));
                chosen.put(param.name(), choose(param, observed, isGood, ages, random));
            }
            return Config.of(chosen);
        }

        private Object choose(HParam<?> param, List<Config> observed, boolean[] isGood, double[] ages,
                              SplittableRandom random) {
            if (param.kind() == HParam.Kind.CONSTANT) {
                return param.values().get(0);
            }
            if (param.kind() == HParam.Kind.CHOICE) {
                List<?> choices = param.values();
                double[] good = categorical(param.name(), choices, observed, isGood, ages, true);
                double[] bad = categorical(param.name(), choices, observed, isGood, ages, false);
                int best = -1;
                double bestRatio = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < candidates; c++) {
                    int pick = draw(good, random);
                    double ratio = Math.log(good[pick]) - Math.log(bad[pick]);
                    if (ratio > bestRatio) {
                        bestRatio = ratio;
                        best = pick;
                    }
                }
                return choices.get(best);
            }
            double low = param.lowCoordinate();
            double high = param.highCoordinate();
            Parzen good = parzen(param, observed, isGood, ages, true, low, high);
            Parzen bad = parzen(param, observed, isGood, ages, false, low, high);
            double best = Double.NaN;
            double bestRatio = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < candidates; c++) {
                double x = good.sample(random);
                double ratio = good.logDensity(x) - bad.logDensity(x);
                if (ratio > bestRatio) {
                    bestRatio = ratio;
                    best = x;
                }
            }
            return param.atCoordinate(best);
        }

        private double[] categorical(String name, List<?> choices, List<Config> observed, boolean[] isGood,
                                     double[] ages, boolean good) {
            double[] weights = new double[choices.size()];
            java.util.Arrays.fill(weights, priorWeight / choices.size());
            for (int i = 0; i < observed.size(); i++) {
                if (isGood[i] == good) {
                    Object value = observed.get(i).values().get(name);
                    int index = choices.indexOf(value);
                    if (index >= 0) {
                        weights[index] += ages[i];
                    }
                }
            }
            double total = java.util.Arrays.stream(weights).sum();
            for (int c = 0; c < weights.length; c++) {
                weights[c] /= total;
            }
            return weights;
        }

        private Parzen parzen(HParam<?> param, List<Config> observed, boolean[] isGood, double[] ages, boolean good,
                              double low, double high) {
            List<Double> mus = new ArrayList<>();
            List<Double> weights = new ArrayList<>();
            for (int i = 0; i < observed.size(); i++) {
                if (isGood[i] == good && observed.get(i).values().containsKey(param.name())) { // learn where it existed
                    mus.add(param.coordinate(observed.get(i).values().get(param.name())));
                    weights.add(ages[i]);
                }
            }
            return new Parzen(mus, weights, priorWeight, low, high);
        }

        private int draw(double[] weights, SplittableRandom random) {
            double u = random.nextDouble();
            double cumulative = 0;
            for (int c = 0; c < weights.length; c++) {
                cumulative += weights[c];
                if (u < cumulative) {
                    return c;
                }
            }
            return weights.length - 1;
        }
    }

    /** A mixture of truncated Gaussians on {@code [low, high]}: one per observation, and the prior. */
    static final class Parzen {
        private final double[] mus;
        private final double[] sigmas;
        private final double[] weights;
        private final double[] logNormalizers;
        private final double low;
        private final double high;

        Parzen(List<Double> observations, List<Double> observationWeights, double priorWeight, double low,
               double high) {
            this.low = low;
            this.high = high;
            int n = observations.size();
            double range = high - low;
            // sort the observations with the prior's mean among them; bandwidth: the larger gap to a neighbour
            double[] all = new double[n + 1];
            double[] w = new double[n + 1];
            for (int i = 0; i < n; i++) {
                all[i] = observations.get(i);
                w[i] = observationWeights.get(i);
            }
            all[n] = (low + high) / 2;
            w[n] = priorWeight;
            Integer[] order = new Integer[n + 1];
            for (int i = 0; i <= n; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
            double[] sigma = new double[n + 1];
            for (int k = 0; k <= n; k++) {
                double left = k > 0 ? all[order[k]] - all[order[k - 1]] : Double.NEGATIVE_INFINITY;
                double right = k < n ? all[order[k + 1]] - all[order[k]] : Double.NEGATIVE_INFINITY;
                sigma[order[k]] = Math.max(left, right);
            }
            double minSigma = range / Math.min(100.0, 1.0 + (n + 1));
            for (int i = 0; i <= n; i++) {
                sigma[i] = Math.min(range, Math.max(minSigma, n == 0 || !Double.isFinite(sigma[i]) ? range : sigma[i]));
            }
            sigma[n] = range; // the prior covers the whole range
            double total = 0;
            for (double weight : w) {
                total += weight;
            }
            this.mus = all;
            this.sigmas = sigma;
            this.weights = new double[n + 1];
            this.logNormalizers = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                weights[i] = w[i] / total;
                double mass = Normal.cdf((high - all[i]) / sigma[i]) - Normal.cdf((low - all[i]) / sigma[i]);
                logNormalizers[i] = Math.log(Math.max(mass, 1e-300)) + Math.log(sigma[i]);
            }
        }

        double sample(SplittableRandom random) {
            double u = random.nextDouble();
            int k = weights.length - 1;
            double cumulative = 0;
            for (int i = 0; i < weights.length; i++) {
                cumulative += weights[i];
                if (u < cumulative) {
                    k = i;
                    break;
                }
            }
            for (int attempt = 0; attempt < 100; attempt++) {
                double x = mus[k] + sigmas[k] * random.nextGaussian();
                if (x >= low && x <= high) {
                    return x;
                }
            }
            return Math.max(low, Math.min(high, mus[k]));
        }

        double logDensity(double x) {
            double max = Double.NEGATIVE_INFINITY;
            double[] terms = new double[weights.length];
            for (int i = 0; i < weights.length; i++) {
                double z = (x - mus[i]) / sigmas[i];
                terms[i] = Math.log(weights[i]) - 0.5 * z * z - Normal.LOG_SQRT_2PI - logNormalizers[i];
                max = Math.max(max, terms[i]);
            }
            double sum = 0;
            for (double term : terms) {
                sum += Math.exp(term - max);
            }
            return max + Math.log(sum);
        }
    }

    /**
     * The multivariate estimator: a mixture over the observations of one group (and the prior) of
     * product kernels, a truncated Gaussian per numeric parameter (bandwidth
     * {@code 0.2 n^(-1/(d+4))} of its range, Optuna's multivariate rule) and a categorical
     * distribution per choice (the observed value weighted up from the prior's uniform share).
     * A point is {@code double[d][1]}: a model coordinate, or a choice's index.
     */
    static final class JointParzen {
        private final List<HParam<?>> params;
        private final double[][] mus;      // [component][dimension]: coordinate or choice index
        private final double[] sigmas;     // per numeric dimension (the prior: its range)
        private final double[] weights;
        private final double priorWeight;
        private final int n;

        JointParzen(List<HParam<?>> params, List<Config> observed, boolean[] isGood, boolean good, double[] ages,
                    double priorWeight) {
            this.params = params;
            this.priorWeight = priorWeight;
            List<double[]> points = new ArrayList<>();
            List<Double> w = new ArrayList<>();
            for (int i = 0; i < observed.size(); i++) {
                if (isGood[i] != good) {
                    continue;
                }
                double[] point = new double[params.size()];
                for (int d = 0; d < params.size(); d++) {
                    HParam<?> param = params.get(d);
                    Object value = observed.get(i).values().get(param.name());
                    point[d] = param.kind() == HParam.Kind.CHOICE ? param.values().indexOf(value) : param.coordinate(value);
                }
                points.add(point);
                w.add(ages[i]);
            }
            this.n = points.size();
            this.mus = new double[n + 1][];
            for (int i = 0; i < n; i++) {
                mus[i] = points.get(i);
            }
            mus[n] = new double[params.size()];
            this.sigmas = new double[params.size()];
            double scott = 0.2 * Math.pow(Math.max(n, 1), -1.0 / (params.size() + 4));
            for (int d = 0; d < params.size(); d++) {
                HParam<?> param = params.get(d);
                if (param.kind() != HParam.Kind.CHOICE) {
                    sigmas[d] = scott * (param.highCoordinate() - param.lowCoordinate());
                    mus[n][d] = (param.lowCoordinate() + param.highCoordinate()) / 2;
                }
            }
            this.weights = new double[n + 1];
            double total = priorWeight;
            for (double weight : w) {
                total += weight;
            }
            for (int i = 0; i < n; i++) {
                weights[i] = w.get(i) / total;
            }
            weights[n] = priorWeight / total;
        }

        private double sigma(int component, int d) {
            HParam<?> param = params.get(d);
            return component == n ? param.highCoordinate() - param.lowCoordinate() : sigmas[d];
        }

        /** The probability that component {@code k} gives choice {@code c} of dimension {@code d}. */
        private double choiceProbability(int k, int d, int c) {
            int choices = params.get(d).values().size();
            if (k == n) {
                return 1.0 / choices;
            }
            double p = priorWeight / choices + (c == (int) mus[k][d] ? 1 : 0);
            return p / (priorWeight + 1);
        }

        double[][] sample(SplittableRandom random) {
            double u = random.nextDouble();
            int k = n;
            double cumulative = 0;
            for (int i = 0; i <= n; i++) {
                cumulative += weights[i];
                if (u < cumulative) {
                    k = i;
                    break;
                }
            }
            double[][] x = new double[params.size()][1];
            for (int d = 0; d < params.size(); d++) {
                HParam<?> param = params.get(d);
                if (param.kind() == HParam.Kind.CHOICE) {
                    int choices = param.values().size();
                    double v = random.nextDouble();
                    double acc = 0;
                    int pick = choices - 1;
                    for (int c = 0; c < choices; c++) {
                        acc += choiceProbability(k, d, c);
                        if (v < acc) {
                            pick = c;
                            break;
                        }
                    }
                    x[d][0] = pick;
                } else {
                    double low = param.lowCoordinate();
                    double high = param.highCoordinate();
                    double value = Math.max(low, Math.min(high, mus[k][d]));
                    for (int attempt = 0; attempt < 100; attempt++) {
                        double candidate = mus[k][d] + sigma(k, d) * random.nextGaussian();
                        if (candidate >= low && candidate <= high) {
                            value = candidate;
                            break;
                        }
                    }
                    x[d][0] = value;
                }
            }
            return x;
        }

        double logDensity(double[][] x) {
            double[] terms = new double[n + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k <= n; k++) {
                double term = Math.log(weights[k]);
                for (int d = 0; d < params.size(); d++) {
                    HParam<?> param = params.get(d);
                    if (param.kind() == HParam.Kind.CHOICE) {
                        term += Math.log(choiceProbability(k, d, (int) x[d][0]));
                    } else {
                        double sigma = sigma(k, d);
                        double z = (x[d][0] - mus[k][d]) / sigma;
                        double mass = Normal.cdf((param.highCoordinate() - mus[k][d]) / sigma)
                            - Normal.cdf((param.lowCoordinate() - mus[k][d]) / sigma);
                        term += -0.5 * z * z - Normal.LOG_SQRT_2PI - Math.log(sigma) - Math.log(Math.max(mass, 1e-300));
                    }
                }
                terms[k] = term;
                max = Math.max(max, term);
            }
            double sum = 0;
            for (double term : terms) {
                sum += Math.exp(term - max);
            }
            return max + Math.log(sum);
        }

        /** The parameter values of point {@code x}. */
        Map<String, Object> values(double[][] x) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int d = 0; d < params.size(); d++) {
                HParam<?> param = params.get(d);
                values.put(param.name(), param.kind() == HParam.Kind.CHOICE ? param.values().get((int) x[d][0])
                    : param.atCoordinate(x[d][0]));
            }
            return values;
        }
    }

    /** The standard normal distribution's cumulative function. */
    static final class Normal {
        static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

        private Normal() {
        }

        static double cdf(double z) {
            return 0.5 * erfc(-z / Math.sqrt(2));
        }

        /** The complementary error function, to about 1e-7 (Numerical Recipes' erfcc). */
        static double erfc(double x) {
            double z = Math.abs(x);
            double t = 1 / (1 + 0.5 * z);
            double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0 ? r : 2 - r;
        }
    }
}
