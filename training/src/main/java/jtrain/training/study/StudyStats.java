package jtrain.training.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Aggregates over the study's stored results: means and spreads over seeds, gains, forgetting, compute. */
final class StudyStats {
    private final Map<String, Object> s;
    private final List<Map<String, Object>> ft;
    /** The bag-of-words baselines; empty in a summary written before the study had them. */
    private final List<Map<String, Object>> baselines;

    @SuppressWarnings("unchecked")
    StudyStats(Map<String, Object> summary) {
        this.s = summary;
        this.ft = new ArrayList<>();
        for (Object o : (List<Object>) summary.get("finetune")) ft.add((Map<String, Object>) o);
        this.baselines = new ArrayList<>();
        if (summary.get("baselines") instanceof List<?> l) for (Object o : l) baselines.add((Map<String, Object>) o);
    }

    boolean hasBaselines() {
        return !baselines.isEmpty();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    static double num(Object o) {
        return StudyReport.num(o);
    }

    // ---- pretraining ---------------------------------------------------------------------------------------

    Map<String, Object> pre() {
        return obj(s.get("pretraining"));
    }

    long pretrainTokens() {
        return (long) num(pre().get("tokens"));
    }

    double pretrainFlops() {
        return num(pre().get("flops"));
    }

    double pretrainSeconds() {
        return num(pre().get("seconds"));
    }

    double mlmBefore() {
        return num(obj(pre().get("eval_before")).get("loss"));
    }

    double mlmAfterPretrain() {
        return num(obj(pre().get("eval_after")).get("loss"));
    }

    List<double[]> pretrainCurve() {
        List<double[]> c = new ArrayList<>();
        for (Object o : (List<?>) pre().get("loss_curve")) {
            List<?> p = (List<?>) o;
            c.add(new double[] {num(p.get(0)), num(p.get(1))});
        }
        return c;
    }

    // ---- fine-tuning grid ------------------------------------------------------------------------------------

    List<Double> budgets() {
        return new ArrayList<>(new TreeSet<>(ft.stream().map(r -> num(r.get("budget"))).toList()));
    }

    double minBudget() {
        return budgets().get(0);
    }

    double maxBudget() {
        return budgets().get(budgets().size() - 1);
    }

    /** The test scores of a cell, one per seed; init "pretrained", "scratch" or {@link Study#BASELINE}. */
    List<Double> scores(String task, double budget, String init) {
        List<Double> v = new ArrayList<>();
        boolean baseline = init.equals(Study.BASELINE);
        for (Map<String, Object> r : baseline ? baselines : ft) {
            if (r.get("task").equals(task) && num(r.get("budget")) == budget && (baseline || r.get("init").equals(init))) v.add(num(r.get("test_score")));
        }
        return v;
    }

    double mean(String task, double budget, String init) {
        return scores(task, budget, init).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    double std(String task, double budget, String init) {
        List<Double> v = scores(task, budget, init);
        if (v.size() < 2) return 0;
        double m = mean(task, budget, init), ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (v.size() - 1));
    }

    /** "0.757 [0.712, 0.801]", with "± sd" over seeds after the mean when there are several. */
    String fmt(String task, double budget, String init) {
        double sd = std(task, budget, init);
        String mean = sd > 0 ? String.format("%.3f ± %.3f", mean(task, budget, init), sd) : String.format("%.3f", mean(task, budget, init));
        return mean + " " + ci(StudyIntervals.score(task, budget, init)).range(false);
    }

    /** "+0.341 [+0.210, +0.470]": a difference with its paired interval. */
    String fmtDiff(String interval) {
        Bootstrap.Interval i = ci(interval);
        return String.format("%+.3f ", i.estimate()) + i.range(true);
    }

    /** "+0.341 [+0.210, +0.470] p=0.002": a difference with its paired interval and its bootstrap p-value. */
    String fmtDiffP(String interval) {
        return fmtDiff(interval) + String.format(" p=%.3f", ci(interval).p());
    }

    // ---- bootstrap intervals -------------------------------------------------------------------------------

    /** The interval of that name (see StudyIntervals) from the summary's "intervals" section. */
    Bootstrap.Interval ci(String name) {
        if (!(s.get("intervals") instanceof Map<?, ?> section) || !(section.get("values") instanceof Map<?, ?> values))
            throw new IllegalArgumentException("the study summary has no bootstrap intervals (\"intervals\")");
        if (!(values.get(name) instanceof Map<?, ?> m)) throw new IllegalArgumentException("the study summary has no interval '" + name + "'");
        return Bootstrap.Interval.fromMap(m);
    }

    double gain(String task, double budget) {
        return mean(task, budget, "pretrained") - mean(task, budget, "scratch");
    }

    double meanGainAt(double budget) {
        return Study.TASKS.stream().mapToDouble(t -> gain(t, budget)).average().orElse(Double.NaN);
    }

    double meanGain() {
        return budgets().stream().mapToDouble(this::meanGainAt).average().orElse(Double.NaN);
    }

    /**
     * The gain of every task × label-budget cell, whose mean {@link #meanGain} is: their range is the spread shown
     * beside it. The cells differ by design (tasks, label budgets), so they are no sample to take a standard error
     * over; min..max claims nothing beyond what was measured.
     */
    double[] cellGains() {
        return Study.TASKS.stream().flatMapToDouble(t -> budgets().stream().mapToDouble(b -> gain(t, b))).toArray();
    }

    /** "-0.012 to +0.310 over the 9 task × label-budget cells, 1 seed each" (or "each the mean of 3 seeds"). */
    String cellGainRange() {
        double[] g = cellGains();
        int seeds = scores(Study.TASKS.getFirst(), budgets().getFirst(), "pretrained").size(); // the same in every cell
        return String.format("%+.3f to %+.3f over the %d task × label-budget cells, %s", Arrays.stream(g).min().orElse(Double.NaN),
                Arrays.stream(g).max().orElse(Double.NaN), g.length, seeds == 1 ? "1 seed each" : "each the mean of " + seeds + " seeds");
    }

    String scoresAt(String init, double budget) {
        List<String> parts = new ArrayList<>();
        for (String t : Study.TASKS) parts.add(t + " " + String.format("%.3f", mean(t, budget, init)));
        return "test at " + StudyReport.pct(budget) + " labels: " + String.join(", ", parts);
    }

    String labelRange() {
        long lo = Long.MAX_VALUE, hi = 0;
        for (Map<String, Object> r : ft) {
            if (!r.get("variant").equals("full")) continue;
            long n = (long) num(r.get("labelled_examples"));
            lo = Math.min(lo, n);
            hi = Math.max(hi, n);
        }
        return String.format("%,d to %,d labelled examples per task", lo, hi);
    }

    /**
     * How many dev evaluations the grid's runs made, "3 to 4 dev evaluations" or "4 dev evaluations": every
     * max(10, steps / 4) steps and at the last, so a 30-step run makes 3 and a 50-step one 5.
     */
    String devEvaluationRange() {
        int lo = Integer.MAX_VALUE, hi = 0;
        for (Map<String, Object> r : ft) {
            int n = Study.devEvaluations((int) num(r.get("steps")));
            lo = Math.min(lo, n);
            hi = Math.max(hi, n);
        }
        return (lo == hi ? String.valueOf(lo) : lo + " to " + hi) + (hi == 1 ? " dev evaluation" : " dev evaluations");
    }

    double meanFtFlops(String init) {
        return ft.stream().filter(r -> r.get("init").equals(init)).mapToDouble(r -> num(r.get("flops"))).average().orElse(Double.NaN);
    }

    double meanBaselineSeconds() {
        return baselines.stream().mapToDouble(r -> num(r.get("seconds"))).average().orElse(Double.NaN);
    }

    double meanFtSeconds(String init) {
        return ft.stream().filter(r -> r.get("init").equals(init)).mapToDouble(r -> num(r.get("seconds"))).average().orElse(Double.NaN);
    }

    /** Scores by task and budget; with the baselines, two more columns: the baseline's score and pretrained minus it. */
    String budgetTable() {
        boolean bl = hasBaselines();
        StringBuilder t = new StringBuilder("| task (score) | labels | labelled examples | pretrained [95% CI] | scratch [95% CI] | gain [paired 95% CI] |"
                + (bl ? " bag-of-words baseline [95% CI] | pretrained - baseline [paired 95% CI] |\n|---|---|---|---|---|---|---|---|\n" : "\n|---|---|---|---|---|---|\n"));
        for (String task : Study.TASKS) {
            for (double b : budgets()) {
                long n = ft.stream().filter(r -> r.get("task").equals(task) && num(r.get("budget")) == b)
                        .mapToLong(r -> (long) num(r.get("labelled_examples"))).findFirst().orElse(0);
                t.append(String.format("| %s (%s) | %s | %,d | %s | %s | %s |", task, Study.metricOf(task), StudyReport.pct(b), n,
                        fmt(task, b, "pretrained"), fmt(task, b, "scratch"), fmtDiff(StudyIntervals.gain(task, b))));
                if (bl) t.append(String.format(" %s | %s |", fmt(task, b, Study.BASELINE), fmtDiff(StudyIntervals.overBaseline(task, b))));
                t.append('\n');
            }
        }
        if (bl) {
            t.append("\nBag-of-words baseline: no network and no pretraining, fitted on the same labelled examples and scored on the same test "
                    + "examples, reading the same tokens: for genre and spam multinomial naive Bayes over the tokens (smoothing chosen on dev), "
                    + "for POS each word's most frequent tag in the labelled sentences (the most frequent tag of all for a word never seen). "
                    + baselineTally() + "\n");
        }
        return t.toString();
    }

    /** How fine-tuning from the pretrained encoder fares against the baseline over the cells, each by its own paired interval. */
    String baselineTally() {
        int ahead = 0, behind = 0, level = 0;
        for (String task : Study.TASKS) {
            for (double b : budgets()) {
                Bootstrap.Interval i = ci(StudyIntervals.overBaseline(task, b));
                if (i.lo() > 0) ahead++;
                else if (i.hi() < 0) behind++;
                else level++;
            }
        }
        return String.format("Fine-tuning from the pretrained encoder is ahead of the baseline in %d of the %d task x budget cells, behind it in %d "
                + "and level in %d (each by its own paired 95%% interval).", ahead, ahead + behind + level, behind, level);
    }

    // ---- forgetting ----------------------------------------------------------------------------------------

    private List<Map<String, Object>> forgettingRows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Object o : (List<?>) s.get("forgetting")) rows.add(obj(o));
        return rows;
    }

    List<String> forgettingVariants() {
        return forgettingRows().stream().map(r -> (String) r.get("variant")).toList();
    }

    double forgettingIncrease(String variant) {
        for (Map<String, Object> r : forgettingRows()) {
            if (r.get("variant").equals(variant)) return num(r.get("mlm_after")) - num(r.get("mlm_before"));
        }
        return Double.NaN;
    }

    double forgettingScore(String variant) {
        for (Map<String, Object> r : forgettingRows()) if (r.get("variant").equals(variant)) return num(r.get("test_score"));
        return Double.NaN;
    }

    String mitigationSummary() {
        List<String> parts = new ArrayList<>();
        for (String v : forgettingVariants()) if (!v.equals("full")) parts.add(String.format("%s %+.2f", v, forgettingIncrease(v)));
        return String.join(", ", parts);
    }

    String forgettingTable() {
        StringBuilder t = new StringBuilder("| fine-tuning variant | MLM loss before | after | increase [paired 95% CI] | vs full [paired 95% CI] "
                + "| genre test macro-F1 [95% CI] |\n|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : forgettingRows()) {
            String variant = (String) r.get("variant");
            t.append(String.format("| %s | %.3f | %.3f | %+.3f %s | %s | %.3f %s |%n", variant, num(r.get("mlm_before")),
                    num(r.get("mlm_after")), num(r.get("mlm_after")) - num(r.get("mlm_before")), ci(StudyIntervals.forgetting(variant)).range(true),
                    variant.equals("full") ? "" : fmtDiff(StudyIntervals.forgettingVsFull(variant)), num(r.get("test_score")),
                    ci(StudyIntervals.variantScore(variant)).range(false)));
        }
        return t.append("\nfull: all parameters; frozen: embeddings and the lower half of the layers fixed; hybrid: plus an auxiliary "
                + "MLM loss (weight " + Study.AUX_WEIGHT + ") on the task's unlabeled text; rehearsal: the same on pretraining text.\n").toString();
    }

    // ---- continual pretraining -----------------------------------------------------------------------------

    Map<String, Object> continual() {
        return obj(s.get("continual"));
    }

    double continualMean(double budget) {
        List<Double> v = new ArrayList<>();
        for (Object o : (List<?>) continual().get("finetune")) {
            Map<String, Object> r = obj(o);
            if (num(r.get("budget")) == budget) v.add(num(r.get("test_score")));
        }
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Held-out MLM loss on the general (pretraining-domain) text after continual pretraining on e-mail. */
    double continualGeneralMlm() {
        return num(obj(obj(continual().get("pretraining")).get("eval_after")).get("loss"));
    }

    List<Double> continualBudgets() {
        return budgets().stream().filter(b -> b < 1).toList();
    }

    String continualTable() {
        Map<String, Object> ph = obj(continual().get("pretraining"));
        StringBuilder t = new StringBuilder(String.format("Continued MLM for %d steps on %,d e-mail sequences (%,d tokens, %s).%n%n",
                (long) num(ph.get("steps")), (long) num(ph.get("unlabeled_sequences")), (long) num(ph.get("tokens")),
                StudyReport.secs(num(ph.get("seconds")))));
        t.append("| spam labels | general encoder [95% CI] | e-mail-adapted encoder [95% CI] | difference [paired 95% CI] |\n|---|---|---|---|\n");
        for (double b : continualBudgets()) {
            t.append(String.format("| %s | %.3f %s | %.3f %s | %s |%n", StudyReport.pct(b), mean("spam", b, "pretrained"),
                    ci(StudyIntervals.score("spam", b, "pretrained")).range(false), continualMean(b),
                    ci(StudyIntervals.score("spam", b, "email")).range(false), fmtDiff(StudyIntervals.continual(b))));
        }
        double generalAfter = continualGeneralMlm();
        t.append(String.format("%nThe price on the general domain: held-out MLM loss of the general text %.3f before, %.3f after the "
                + "e-mail MLM (%+.3f %s, paired 95%% CI over the held-out sequences), to set against full fine-tuning's %+.3f above.%n",
                mlmAfterPretrain(), generalAfter, generalAfter - mlmAfterPretrain(), ci(StudyIntervals.CONTINUAL_GENERAL_MLM).range(true),
                forgettingIncrease("full")));
        return t.toString();
    }

    // ---- compute -------------------------------------------------------------------------------------------

    /** One row of the compute table: what the phase processed, its FLOPs and its wall time; label: its short name in the plot. */
    record Phase(String name, String label, String amount, double flops, double seconds) {}

    /**
     * Every phase whose runs the study stored, so the rows add up to the study's training: the forgetting variants
     * (less full fine-tuning where that is the grid's genre run at 10%) and the spam runs from the e-mail-adapted
     * encoder are phases of their own.
     */
    List<Phase> phases() {
        List<Phase> p = new ArrayList<>();
        p.add(new Phase("MLM pretraining", "pretraining", String.format("%,d tokens", pretrainTokens()), pretrainFlops(), pretrainSeconds()));
        p.add(runs("fine-tuning grid", "fine-tuning", ft));
        p.add(runs("forgetting variants", "forgetting", forgettingRows().stream().filter(r -> !inGrid(r)).toList()));
        Map<String, Object> ph = obj(continual().get("pretraining"));
        p.add(new Phase("continual MLM on e-mail", "continual MLM", String.format("%,d tokens", (long) num(ph.get("tokens"))), num(ph.get("flops")), num(ph.get("seconds"))));
        p.add(runs("spam from the e-mail-adapted encoder", "e-mail runs", ((List<?>) continual().get("finetune")).stream().map(this::obj).toList()));
        return p;
    }

    /** Whether a forgetting run is one of the grid's (full fine-tuning at a budget of the grid), counted there. */
    private boolean inGrid(Map<String, Object> run) {
        return run.get("variant").equals("full") && budgets().contains(num(run.get("budget")));
    }

    private Phase runs(String name, String label, List<Map<String, Object>> runs) {
        long seen = runs.stream().mapToLong(r -> (long) num(r.get("examples_seen"))).sum();
        return new Phase(String.format("%s (%d run%s)", name, runs.size(), runs.size() == 1 ? "" : "s"), label, String.format("%,d examples seen", seen),
                runs.stream().mapToDouble(r -> num(r.get("flops"))).sum(), runs.stream().mapToDouble(r -> num(r.get("seconds"))).sum());
    }

    /** Wall time per phase, by the names of the compute table's rows. */
    Map<String, Double> computeSeconds() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Phase p : phases()) m.put(p.name(), p.seconds());
        return m;
    }

    String computeTable() {
        StringBuilder t = new StringBuilder("| phase | tokens / examples | FLOPs | wall time | device |\n|---|---|---|---|---|\n");
        String dev = String.valueOf(s.get("device"));
        for (Phase p : phases()) {
            t.append(String.format("| %s | %s | %s | %s | %s |%n", p.name(), p.amount(), StudyReport.flops(p.flops()), StudyReport.secs(p.seconds()), dev));
        }
        return t.toString();
    }

    private List<Double> bounds(String interval) {
        Bootstrap.Interval i = ci(interval);
        return List.of(i.lo(), i.hi());
    }

    /** The aggregate numbers the report quotes, for summary.json. */
    Map<String, Object> aggregates() {
        Map<String, Object> a = new LinkedHashMap<>();
        List<Object> rows = new ArrayList<>();
        for (String task : Study.TASKS) {
            for (double b : budgets()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("task", task);
                r.put("budget", b);
                r.put("pretrained_mean", mean(task, b, "pretrained"));
                r.put("pretrained_std", std(task, b, "pretrained"));
                r.put("scratch_mean", mean(task, b, "scratch"));
                r.put("scratch_std", std(task, b, "scratch"));
                r.put("gain", gain(task, b));
                r.put("pretrained_ci95", bounds(StudyIntervals.score(task, b, "pretrained")));
                r.put("scratch_ci95", bounds(StudyIntervals.score(task, b, "scratch")));
                r.put("gain_ci95", bounds(StudyIntervals.gain(task, b)));
                rows.add(r);
            }
        }
        a.put("by_task_and_budget", rows);
        a.put("mean_gain", meanGain());
        double[] cells = cellGains();
        a.put("mean_gain_cells_range", List.of(Arrays.stream(cells).min().orElse(Double.NaN), Arrays.stream(cells).max().orElse(Double.NaN)));
        Map<String, Object> forgetting = new LinkedHashMap<>();
        for (String v : forgettingVariants()) forgetting.put(v, forgettingIncrease(v));
        a.put("forgetting_increase", forgetting);
        Map<String, Object> cont = new LinkedHashMap<>();
        for (double b : continualBudgets()) cont.put(String.valueOf(b), continualMean(b) - mean("spam", b, "pretrained"));
        a.put("continual_gain", cont);
        a.put("continual_general_mlm_increase", continualGeneralMlm() - mlmAfterPretrain());
        // The intervals themselves are in the summary's "intervals" section, under the names StudyIntervals gives them.
        a.put("compute_seconds", computeSeconds());
        return a;
    }
}
