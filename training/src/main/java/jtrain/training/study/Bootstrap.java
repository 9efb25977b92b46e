package jtrain.training.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import jtrain.engine.Rng;

/**
 * 95% percentile-bootstrap intervals over test examples. A resample draws as many units (examples, or sentences for
 * tagging) as the test set holds, with replacement; a statistic of several models' scores (one score, a mean over
 * seeds, a difference) is computed on each of {@link #RESAMPLES} resamples, and the interval runs from the 2.5th to
 * the 97.5th percentile of those values. Models scored on the same test set see the same resamples (a paired
 * bootstrap: what they have in common cancels out of a difference); different test sets are drawn independently.
 * The draws of a test set depend only on {@link #SEED} and its fingerprint, so every interval is reproducible.
 *
 * <p>The same resamples give each interval a two-sided p-value for "the statistic is zero" ({@link #pValue}), which
 * {@link Holm} uses to judge a family of comparisons together.
 *
 * <p>With several fine-tuning seeds the models come in cells: consecutive blocks of {@code seedsPerCell} runs, the
 * j-th run of every block trained with the same seed. Each resample then also draws that many seeds with replacement
 * (the same draw for every cell, so a difference stays paired by seed), and the statistic sees those seeds' runs: the
 * interval covers the variation between seeds as well as test-set sampling (a two-level bootstrap). With one seed
 * per cell this adds nothing.
 */
final class Bootstrap {
    static final int RESAMPLES = 1000;
    static final long SEED = 1;
    static final double LEVEL = 0.95;

    private Bootstrap() {}

    /**
     * estimate: the statistic on the test sets themselves; lo, hi: the interval; p: the bootstrap p-value of "the
     * statistic is zero" ({@link #pValue}; NaN where that is no question, as for a single score); sameTestSet: all
     * models were scored on one test set (so a difference among them is a paired one).
     */
    record Interval(double estimate, double lo, double hi, double p, boolean sameTestSet) {
        /** "[0.712, 0.801]" (signed when signed is set, for differences). */
        String range(boolean signed) {
            String f = signed ? "%+.3f" : "%.3f";
            return "[" + String.format(f, lo) + ", " + String.format(f, hi) + "]";
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("estimate", estimate);
            m.put("lo", lo);
            m.put("hi", hi);
            if (!Double.isNaN(p)) m.put("p", p);
            m.put("same_test_set", sameTestSet);
            return m;
        }

        static Interval fromMap(Map<?, ?> m) {
            return new Interval(((Number) m.get("estimate")).doubleValue(), ((Number) m.get("lo")).doubleValue(),
                    ((Number) m.get("hi")).doubleValue(), m.get("p") instanceof Number p ? p.doubleValue() : Double.NaN,
                    Boolean.TRUE.equals(m.get("same_test_set")));
        }

        /** The same interval without a p-value: a score's interval, where "is it zero?" is no question. */
        Interval withoutP() {
            return new Interval(estimate, lo, hi, Double.NaN, sameTestSet);
        }
    }

    /** The interval of the mean score of one cell's runs (one per seed); of its score for one model. */
    static Interval meanScore(List<TestUnits> cell) {
        return of(cell, s -> mean(s, 0, s.length), cell.size(), RESAMPLES, SEED);
    }

    /** The interval of mean(a) - mean(b) over two cells of as many seeds, paired by seed (and by test set where shared). */
    static Interval difference(List<TestUnits> a, List<TestUnits> b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("cells of " + a.size() + " and " + b.size() + " seeds");
        List<TestUnits> all = new ArrayList<>(a);
        all.addAll(b);
        int na = a.size();
        return of(all, s -> mean(s, 0, na) - mean(s, na, s.length), na, RESAMPLES, SEED);
    }

    static double mean(double[] v, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) sum += v[i];
        return sum / (to - from);
    }

    /**
     * The interval of statistic(scores of models), where scores[i] is model i's score on a resample. Models with the
     * same test-set fingerprint get the same draws of examples; models are cells of seedsPerCell runs whose seeds are
     * drawn too (see the class comment).
     */
    static Interval of(List<TestUnits> models, ToDoubleFunction<double[]> statistic, int seedsPerCell, int resamples, long seed) {
        if (models.isEmpty()) throw new IllegalArgumentException("no models to resample");
        if (seedsPerCell < 1 || models.size() % seedsPerCell != 0)
            throw new IllegalArgumentException(models.size() + " models do not make cells of " + seedsPerCell + " seeds");
        Map<String, Integer> sets = new LinkedHashMap<>();
        List<Rng> draws = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        int[] setOf = new int[models.size()];
        for (int i = 0; i < models.size(); i++) {
            TestUnits m = models.get(i);
            Integer k = sets.get(m.testSet());
            if (k == null) {
                k = sets.size();
                sets.put(m.testSet(), k);
                draws.add(new Rng(Rng.mix(seed ^ Long.parseUnsignedLong(m.testSet(), 16))));
                sizes.add(m.size());
            } else if (sizes.get(k) != m.size()) {
                throw new IllegalArgumentException("two models with test set " + m.testSet() + " but " + sizes.get(k) + " and " + m.size() + " units");
            }
            setOf[i] = k;
        }
        double[] scores = new double[models.size()];
        int[][] ones = new int[sets.size()][];
        for (int k = 0; k < ones.length; k++) {
            ones[k] = new int[sizes.get(k)];
            Arrays.fill(ones[k], 1);
        }
        for (int i = 0; i < scores.length; i++) scores[i] = models.get(i).score(ones[setOf[i]]);
        double estimate = statistic.applyAsDouble(scores);

        double[] values = new double[resamples];
        int kept = 0;
        int[][] weights = new int[sets.size()][];
        Rng seedDraws = new Rng(Rng.mix(seed ^ 0x5EED5L)); // its own stream: one seed per cell leaves the example draws as they were
        double[] drawnSeeds = new double[scores.length];
        for (int b = 0; b < resamples; b++) {
            for (int k = 0; k < weights.length; k++) weights[k] = draw(draws.get(k), sizes.get(k));
            for (int i = 0; i < scores.length; i++) scores[i] = models.get(i).score(weights[setOf[i]]);
            double v;
            if (seedsPerCell == 1) {
                v = statistic.applyAsDouble(scores);
            } else {
                int[] pick = new int[seedsPerCell];
                for (int j = 0; j < seedsPerCell; j++) pick[j] = seedDraws.nextInt(seedsPerCell);
                for (int i = 0; i < scores.length; i++) drawnSeeds[i] = scores[i - i % seedsPerCell + pick[i % seedsPerCell]];
                v = statistic.applyAsDouble(drawnSeeds);
            }
            if (!Double.isNaN(v)) values[kept++] = v; // a resample can leave a score undefined (no scored word drawn)
        }
        double[] sorted = Arrays.copyOf(values, kept);
        Arrays.sort(sorted);
        double tail = (1 - LEVEL) / 2;
        return new Interval(estimate, percentile(sorted, tail), percentile(sorted, 1 - tail), pValue(sorted), sets.size() == 1);
    }

    /**
     * The two-sided bootstrap p-value of "the statistic is zero" from its resampled values: twice the smaller share of
     * resamples on either side of zero, each share counted as (1 + #{values <= 0}) / (B + 1) and (1 + #{values >= 0}) /
     * (B + 1), at most 1. This inverts the percentile interval (p is about the smallest alpha whose (1 - alpha)
     * interval leaves zero out, so p <= 0.05 implies the 95% interval excludes zero), and the +1 is the usual Monte
     * Carlo correction (Davison and Hinkley 1997, ch. 4): a finite number of resamples never gives p = 0, and with
     * B = 1000 the smallest p is 2 / 1001, about 0.002. Values of exactly zero count on both sides, so a statistic
     * that is zero on every resample gets p = 1. NaN when there are no values.
     */
    static double pValue(double[] values) {
        if (values.length == 0) return Double.NaN;
        int atOrBelow = 0, atOrAbove = 0;
        for (double v : values) {
            if (v <= 0) atOrBelow++;
            if (v >= 0) atOrAbove++;
        }
        return Math.min(1, 2.0 * (1 + Math.min(atOrBelow, atOrAbove)) / (values.length + 1));
    }

    /** How many times each of n units is drawn in n draws with replacement. */
    static int[] draw(Rng rng, int n) {
        int[] w = new int[n];
        for (int j = 0; j < n; j++) w[rng.nextInt(n)]++;
        return w;
    }

    /** The q-quantile of sorted values, interpolating linearly between neighbours (numpy's default); NaN if none. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
