package jtrain.training.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The comparisons a claim counts together (the 9 task x budget gains, the 6 rises with more labels, ...), each with
 * its paired 95% interval and its bootstrap p-value ({@link Bootstrap#pValue}), judged as a family by {@link Holm} at
 * {@link Holm#ALPHA}. Counted by its own interval, each comparison is a 95% one on its own, and among 9 an occasional
 * one excludes zero by chance; after Holm's correction the chance that any comparison of the family counts without a
 * real difference is at most 5%.
 *
 * <p>A comparison counts as better (worse) only when Holm rejects "no difference" for it and its estimate is above
 * (below) zero. Holm rejects only where p <= 0.05, and then the 95% interval lies on one side of zero (see
 * {@link Bootstrap#pValue}): the interval must lie on the estimate's side too.
 *
 * @param names the intervals' names ({@link StudyIntervals}), in the order the claim lists them
 */
record ComparisonFamily(String name, List<String> names, List<Bootstrap.Interval> intervals, List<Holm.Step> steps) {

    /** The family of the named intervals; each must have a p-value. */
    static ComparisonFamily of(String name, List<String> names, Function<String, Bootstrap.Interval> interval) {
        List<Bootstrap.Interval> found = new ArrayList<>();
        double[] p = new double[names.size()];
        for (int i = 0; i < p.length; i++) {
            Bootstrap.Interval iv = interval.apply(names.get(i));
            if (Double.isNaN(iv.p())) throw new IllegalArgumentException("interval '" + names.get(i) + "' of the family '" + name
                    + "' has no p-value (a summary from a study version without them: run the study again to rebuild it)");
            found.add(iv);
            p[i] = iv.p();
        }
        return new ComparisonFamily(name, List.copyOf(names), List.copyOf(found), List.of(Holm.steps(p, Holm.ALPHA)));
    }

    int size() {
        return names.size();
    }

    /** Above zero by its own 95% interval, with no correction. */
    int aboveByOwnInterval() {
        return (int) intervals.stream().filter(i -> i.lo() > 0).count();
    }

    /** Below zero by its own 95% interval, with no correction. */
    int belowByOwnInterval() {
        return (int) intervals.stream().filter(i -> i.hi() < 0).count();
    }

    /** Measurably above zero after Holm's correction over the family. */
    int above() {
        int n = 0;
        for (int i = 0; i < size(); i++) if (direction(i) > 0) n++;
        return n;
    }

    /** Measurably below zero after Holm's correction over the family. */
    int below() {
        int n = 0;
        for (int i = 0; i < size(); i++) if (direction(i) < 0) n++;
        return n;
    }

    /** +1 or -1 where Holm rejects and the estimate and the interval agree on the side of zero; 0 otherwise. */
    int direction(int i) {
        Bootstrap.Interval iv = intervals.get(i);
        if (!steps.get(i).rejected()) return 0;
        if (iv.estimate() > 0 && iv.lo() > 0) return 1;
        if (iv.estimate() < 0 && iv.hi() < 0) return -1;
        return 0;
    }

    /** "in 5 of 9 cells, each by its own 95% interval, 4 after Holm's correction over the 9": both counts, for a claim's evidence. */
    static String counts(int byOwnInterval, int corrected, int of, String what) {
        return String.format("%d of %d %s, each by its own paired 95%% interval, %d after Holm's correction over the %d", byOwnInterval, of, what,
                corrected, of);
    }

    /** The family as summary.json stores it: alpha, and per comparison its estimate, p, Holm rank and level, decision. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alpha", Holm.ALPHA);
        List<Object> members = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("interval", names.get(i));
            c.put("estimate", intervals.get(i).estimate());
            c.put("p", intervals.get(i).p());
            c.put("holm_rank", steps.get(i).rank() + 1);
            c.put("holm_level", steps.get(i).threshold());
            c.put("holm_rejects", steps.get(i).rejected());
            c.put("counts_as", direction(i) > 0 ? "above zero" : direction(i) < 0 ? "below zero" : "no difference");
            members.add(c);
        }
        m.put("comparisons", members);
        return m;
    }
}
