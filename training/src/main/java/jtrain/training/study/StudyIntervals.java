package jtrain.training.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The study's bootstrap intervals ({@link Bootstrap}), from the fine-tuning runs' per-example test predictions, under
 * the names the report and the claims look them up by (the static methods below). With several seeds a cell's score
 * is the mean over its seeds, and its interval resamples both the seeds and the test set (see {@link Bootstrap}).
 */
final class StudyIntervals {
    private final Function<String, TestUnits> units;
    private final List<Long> seeds;
    private final Map<String, Object> values = new LinkedHashMap<>();

    /** units: a run's test units by run name ({@link Study#runName}). */
    private StudyIntervals(Function<String, TestUnits> units, List<Long> seeds) {
        this.units = units;
        this.seeds = seeds;
    }

    // ---- names ---------------------------------------------------------------------------------------------

    static String score(String task, double budget, String init) {
        return "score/" + task + "/" + Study.budgetName(budget) + "/" + init;
    }

    /** Pretrained minus scratch. */
    static String gain(String task, double budget) {
        return "gain/" + task + "/" + Study.budgetName(budget);
    }

    /** Pretrained minus the bag-of-words baseline ({@link Study#BASELINE}). */
    static String overBaseline(String task, double budget) {
        return "over_baseline/" + task + "/" + Study.budgetName(budget);
    }

    /** Mean over the tasks of their gains (independent test sets). */
    static String meanGain(double budget) {
        return "mean_gain/" + Study.budgetName(budget);
    }

    /** Score with the most labels minus score with the fewest, for one initialisation. */
    static String rise(String task, String init) {
        return "rise/" + task + "/" + init;
    }

    /** Gain with the fewest labels minus gain with the most. */
    static String scarcity(String task) {
        return "scarcity/" + task;
    }

    /** The mean over the tasks of their scarcity differences. */
    static final String SCARCITY_MEAN = "scarcity/mean";

    /** Genre score of a forgetting variant (first seed). */
    static String variantScore(String variant) {
        return "variant_score/" + variant;
    }

    /** Held-out MLM loss after a forgetting variant minus the pretrained encoder's (first seed); above zero: forgetting. */
    static String forgetting(String variant) {
        return "forgetting/" + variant;
    }

    /** Held-out MLM loss after a forgetting variant minus after full fine-tuning; below zero: it forgets less. */
    static String forgettingVsFull(String variant) {
        return "forgetting_vs_full/" + variant;
    }

    /** Held-out MLM loss on the general text after continual pretraining on e-mail minus before (the pretrained encoder's). */
    static final String CONTINUAL_GENERAL_MLM = "continual_general_mlm";

    /** Hybrid minus full fine-tuning, genre score (first seed). */
    static final String HYBRID_MINUS_FULL = "hybrid_minus_full";

    /** Spam score from the e-mail-adapted encoder minus from the general one. */
    static String continual(double budget) {
        return "continual/" + Study.budgetName(budget);
    }

    // ---- computation ---------------------------------------------------------------------------------------

    /**
     * Every interval the report uses, as the "intervals" section of summary.json. mlm: the per-sequence held-out MLM
     * losses of the forgetting runs by run name, of the pretrained encoder under {@link Study#PRETRAINED} and of the
     * e-mail-adapted one under {@link Study#CONTINUAL};
     * budgets: the grid's label budgets; variants: the forgetting variants (genre, 10%); continualBudgets: the spam
     * budgets of the continual runs.
     */
    static Map<String, Object> compute(Function<String, TestUnits> units, Function<String, TestUnits> mlm, List<Long> seeds, List<String> tasks,
                                       List<Double> budgets, List<String> variants, List<Double> continualBudgets) {
        StudyIntervals iv = new StudyIntervals(units, seeds);
        budgets = budgets.stream().sorted().toList();
        double lo = budgets.get(0), hi = budgets.get(budgets.size() - 1);
        for (String t : tasks) {
            for (double b : budgets) {
                for (String init : List.of("pretrained", "scratch")) iv.putScore(score(t, b, init), Bootstrap.meanScore(iv.cell(t, b, init)));
                iv.put(gain(t, b), Bootstrap.difference(iv.cell(t, b, "pretrained"), iv.cell(t, b, "scratch")));
                iv.putScore(score(t, b, Study.BASELINE), Bootstrap.meanScore(iv.cell(t, b, Study.BASELINE)));
                iv.put(overBaseline(t, b), Bootstrap.difference(iv.cell(t, b, "pretrained"), iv.cell(t, b, Study.BASELINE)));
            }
            for (String init : List.of("pretrained", "scratch")) iv.put(rise(t, init), Bootstrap.difference(iv.cell(t, hi, init), iv.cell(t, lo, init)));
            iv.put(scarcity(t), iv.scarcityOver(List.of(t), lo, hi));
        }
        iv.put(SCARCITY_MEAN, iv.scarcityOver(tasks, lo, hi));
        for (double b : budgets) {
            List<TestUnits> all = new ArrayList<>();
            for (String t : tasks) for (String init : List.of("pretrained", "scratch")) all.addAll(iv.cell(t, b, init));
            int k = seeds.size();
            iv.put(meanGain(b), Bootstrap.of(all, s -> {
                double sum = 0;
                for (int i = 0; i < tasks.size(); i++) sum += Bootstrap.mean(s, 2 * i * k, (2 * i + 1) * k) - Bootstrap.mean(s, (2 * i + 1) * k, (2 * i + 2) * k);
                return sum / tasks.size();
            }, k, Bootstrap.RESAMPLES, Bootstrap.SEED));
        }
        long first = seeds.get(0);
        for (String v : variants) iv.putScore(variantScore(v), Bootstrap.meanScore(List.of(units.apply(Study.runName("genre", 0.1, "pretrained", v, first)))));
        TestUnits before = mlm.apply(Study.PRETRAINED);
        for (String v : variants) {
            TestUnits after = mlm.apply(Study.runName("genre", 0.1, "pretrained", v, first));
            iv.put(forgetting(v), Bootstrap.difference(List.of(after), List.of(before)));
            if (!v.equals("full")) {
                iv.put(forgettingVsFull(v), Bootstrap.difference(List.of(after), List.of(mlm.apply(Study.runName("genre", 0.1, "pretrained", "full", first)))));
            }
        }
        if (variants.contains("hybrid") && variants.contains("full")) {
            iv.put(HYBRID_MINUS_FULL, Bootstrap.difference(List.of(units.apply(Study.runName("genre", 0.1, "pretrained", "hybrid", first))),
                    List.of(units.apply(Study.runName("genre", 0.1, "pretrained", "full", first)))));
        }
        iv.put(CONTINUAL_GENERAL_MLM, Bootstrap.difference(List.of(mlm.apply(Study.CONTINUAL)), List.of(before)));
        for (double b : continualBudgets) {
            iv.putScore(score("spam", b, "email"), Bootstrap.meanScore(iv.cell("spam", b, "email")));
            iv.put(continual(b), Bootstrap.difference(iv.cell("spam", b, "email"), iv.cell("spam", b, "pretrained")));
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("method", description());
        section.put("resamples", Bootstrap.RESAMPLES);
        section.put("seed", Bootstrap.SEED);
        section.put("level", Bootstrap.LEVEL);
        section.put("values", iv.values);
        return section;
    }

    /** How the intervals were made, in one sentence for summary.json and the report. */
    static String description() {
        return String.format("%.0f%% percentile bootstrap over the test examples (whole sentences for POS tagging; held-out sequences for the "
                + "MLM losses) and, with several "
                + "fine-tuning seeds, over the seeds too; %d resamples drawn with seed %d; the models of a comparison are scored on the "
                + "same resamples (paired by test example and by seed). Each difference also gets a two-sided bootstrap p-value from "
                + "the same resamples (p, twice the smaller share of resamples on either side of zero, each counted as (1 + k) / (B + 1)).",
                Bootstrap.LEVEL * 100, Bootstrap.RESAMPLES, Bootstrap.SEED);
    }

    /** Mean over tasks of (gain at lo - gain at hi), each task's four cells on its own test set. */
    private Bootstrap.Interval scarcityOver(List<String> tasks, double lo, double hi) {
        List<TestUnits> runs = new ArrayList<>();
        for (String t : tasks) for (double b : List.of(lo, hi)) for (String init : List.of("pretrained", "scratch")) runs.addAll(cell(t, b, init));
        int k = seeds.size();
        return Bootstrap.of(runs, s -> {
            double sum = 0;
            for (int i = 0; i < tasks.size(); i++) {
                int at = 4 * k * i;
                sum += (Bootstrap.mean(s, at, at + k) - Bootstrap.mean(s, at + k, at + 2 * k))
                        - (Bootstrap.mean(s, at + 2 * k, at + 3 * k) - Bootstrap.mean(s, at + 3 * k, at + 4 * k));
            }
            return sum / tasks.size();
        }, k, Bootstrap.RESAMPLES, Bootstrap.SEED);
    }

    /** The runs of a cell, one per seed (full fine-tuning; or the baseline of each seed's labelled examples). */
    private List<TestUnits> cell(String task, double budget, String init) {
        List<TestUnits> l = new ArrayList<>();
        for (long s : seeds) l.add(units.apply(Study.runName(task, budget, init, "full", s)));
        return l;
    }

    /** A difference (or mean of differences), stored with its p-value for the claims' multiple-comparison correction. */
    private void put(String name, Bootstrap.Interval interval) {
        values.put(name, interval.toMap());
    }

    /** A score: "is it zero?" is no question, so no p-value. */
    private void putScore(String name, Bootstrap.Interval interval) {
        values.put(name, interval.withoutP().toMap());
    }
}
