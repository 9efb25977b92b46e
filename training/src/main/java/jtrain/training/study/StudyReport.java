package jtrain.training.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.io.Json;
import jtrain.training.report.Chart;

/**
 * Turns the study's measured results into report.md, a self-contained report.html (plots embedded), PNG plots and
 * summary.json (every number in the report, plus the claim verdicts).
 */
public final class StudyReport {
    private final Map<String, Object> s;
    private final StudyStats stats;

    public StudyReport(Map<String, Object> summary) {
        this.s = summary;
        this.stats = new StudyStats(summary);
    }

    /** Writes everything into dir; returns the comparison table (Markdown) for the console. */
    public String write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("plots"));
        List<String> plots = plots(dir.resolve("plots"));
        Map<String, ComparisonFamily> families = Claims.families(stats), across = Claims.acrossClaims(families);
        List<Claims.Verdict> verdicts = Claims.judge(stats, families), verdictsAcross = Claims.judge(stats, across);
        String table = comparisonTable();
        Map<String, Object> summary = new LinkedHashMap<>(s);
        summary.put("intervals", withHolm(s.get("intervals"), families, across));
        summary.put("aggregates", stats.aggregates());
        List<Object> claims = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            Claims.Verdict v = verdicts.get(i);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("claim", v.claim());
            c.put("verdict", v.verdict());
            c.put("evidence", v.evidence());
            c.put("verdict_across_claims", verdictsAcross.get(i).verdict());
            claims.add(c);
        }
        summary.put("claims", claims);
        Files.writeString(dir.resolve("summary.json"), Json.writePretty(summary));
        String md = markdown(table, verdicts, plots, acrossClaimsNote(families, across, verdicts, verdictsAcross));
        Files.writeString(dir.resolve("report.md"), md);
        Files.writeString(dir.resolve("report.html"), Html.of("Pre-training vs fine-tuning: measured", md, dir));
        return table;
    }

    /**
     * The intervals section with the Holm decisions of each family the claims count, under "holm", and those of one
     * correction across all the families, under "holm.across_claims".
     */
    private Map<String, Object> withHolm(Object intervals, Map<String, ComparisonFamily> families, Map<String, ComparisonFamily> across) {
        Map<String, Object> section = new LinkedHashMap<>();
        if (intervals instanceof Map<?, ?> m) m.forEach((k, v) -> section.put(String.valueOf(k), v));
        Map<String, Object> holm = new LinkedHashMap<>();
        holm.put("method", "Holm's step-down procedure over each family of comparisons a claim counts, at family-wise alpha " + Holm.ALPHA
                + ": p-values sorted ascending, the i-th of m rejected while p <= alpha / (m - i + 1); a comparison counts when rejected "
                + "and its estimate and interval lie on the same side of zero");
        families.forEach((name, f) -> holm.put(name, f.toMap()));
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("method", "one Holm correction over the comparisons of all the families above at once (family-wise alpha " + Holm.ALPHA
                + " for the set of claims); the claims' verdicts with these decisions are each claim's verdict_across_claims");
        across.forEach((name, f) -> all.put(name, f.toMap()));
        holm.put(Claims.ACROSS_CLAIMS, all);
        section.put("holm", holm);
        return section;
    }

    /**
     * A paragraph for the end of the report: how many differences the claims count under one correction across all
     * their families instead of one per claim, and which verdicts that would change.
     */
    static String acrossClaimsNote(Map<String, ComparisonFamily> families, Map<String, ComparisonFamily> across,
                                   List<Claims.Verdict> verdicts, List<Claims.Verdict> verdictsAcross) {
        int comparisons = families.values().stream().mapToInt(ComparisonFamily::size).sum();
        int perClaim = families.values().stream().mapToInt(f -> f.above() + f.below()).sum();
        int overAll = across.values().stream().mapToInt(f -> f.above() + f.below()).sum();
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            if (!verdicts.get(i).verdict().equals(verdictsAcross.get(i).verdict())) {
                changed.add(String.format("\"%s\" would be **%s** instead of %s", verdicts.get(i).claim(), verdictsAcross.get(i).verdict(),
                        verdicts.get(i).verdict()));
            }
        }
        return String.format("**One correction across all claims.** Each claim above holds its own family of differences to a family-wise "
                        + "5%%. Held to 5%% together instead (one Holm correction over all %d differences the claims count), %d of the %d "
                        + "differences counted per claim still count; %s. `summary.json` has these decisions under "
                        + "`intervals.holm.%s` and each claim's `verdict_across_claims`.%n", comparisons, overAll, perClaim,
                changed.isEmpty() ? "no verdict changes" : String.join("; ", changed), Claims.ACROSS_CLAIMS);
    }

    // ---- the article's table, with our numbers ---------------------------------------------------------------

    String comparisonTable() {
        StringBuilder t = new StringBuilder();
        t.append("| Learning method | Data requirements | Computational cost | Task-specific knowledge | Transfer learning | Risk of catastrophic forgetting |\n");
        t.append("|---|---|---|---|---|---|\n");
        t.append("| Unsupervised pre-training | ").append(String.format("%,d unlabeled tokens, no labels", stats.pretrainTokens()))
                .append(" | ").append(String.format("%s, %s", flops(stats.pretrainFlops()), secs(stats.pretrainSeconds())))
                .append(" | ").append(String.format("none by itself (held-out MLM loss %.2f -> %.2f)", stats.mlmBefore(), stats.mlmAfterPretrain()))
                .append(" | ").append(String.format("%+.3f mean test-score gain it gives fine-tuning (%s)", stats.meanGain(), stats.cellGainRange()))
                .append(" | n/a |\n");
        t.append("| Supervised fine-tuning (from scratch) | ").append(stats.labelRange())
                .append(" | ").append(String.format("%s, %s per run (mean)", flops(stats.meanFtFlops("scratch")), secs(stats.meanFtSeconds("scratch"))))
                .append(" | ").append(stats.scoresAt("scratch", stats.maxBudget()))
                .append(" | none (trained for one task) | n/a (nothing to forget) |\n");
        t.append("| Pre-training + fine-tuning | the unlabeled tokens above + ").append(stats.labelRange())
                .append(" | ").append(String.format("%s + %s per run", flops(stats.pretrainFlops()), flops(stats.meanFtFlops("pretrained"))))
                .append(" | ").append(stats.scoresAt("pretrained", stats.maxBudget()))
                .append(" | ").append(String.format("%s at %s labels, %s at %s (mean over tasks, 95%% CI)",
                        stats.fmtDiff(StudyIntervals.meanGain(stats.minBudget())), pct(stats.minBudget()),
                        stats.fmtDiff(StudyIntervals.meanGain(stats.maxBudget())), pct(stats.maxBudget())))
                .append(" | ").append(String.format("held-out MLM loss %+.2f after full fine-tuning (%s)", stats.forgettingIncrease("full"),
                        stats.mitigationSummary()))
                .append(" |\n");
        if (stats.hasBaselines()) {
            t.append("| No network: naive Bayes / most frequent tag (baseline) | ").append(stats.labelRange())
                    .append(" | ").append(String.format("no matrix products, %s per fit (mean)", secsPrecise(stats.meanBaselineSeconds())))
                    .append(" | ").append(stats.scoresAt(Study.BASELINE, stats.maxBudget()))
                    .append(" | none (fitted for one task) | n/a (nothing to forget) |\n");
        }
        return t.toString();
    }

    /** Seconds with a decimal below 10 s (a baseline's fit), else as {@link #secs}. */
    static String secsPrecise(double s) {
        return s < 10 ? String.format("%.1f s", s) : secs(s);
    }

    static String flops(double f) {
        return f >= 1e15 ? String.format("%.2f PFLOP", f / 1e15) : f >= 1e12 ? String.format("%.2f TFLOP", f / 1e12) : String.format("%.1f GFLOP", f / 1e9);
    }

    static String secs(double s) {
        return s >= 120 ? String.format("%.1f min", s / 60) : String.format("%.0f s", s);
    }

    static String pct(double budget) {
        return String.format(budget < 0.1 ? "%.0f%%" : "%.0f%%", budget * 100);
    }

    // ---- Markdown ------------------------------------------------------------------------------------------

    private String markdown(String table, List<Claims.Verdict> verdicts, List<String> plots, String acrossClaims) {
        StringBuilder m = new StringBuilder();
        m.append("# Pre-training vs fine-tuning, measured\n\n");
        int invocations = s.get("invocations") instanceof Number n ? n.intValue() : 1;
        m.append(String.format("Preset `%s` (study seed %s: pretraining, masking), model %s, %s, fine-tuning seeds %s, %s of wall time in all%s. Every number below comes from runs of "
                + "this study; `summary.json` holds them all and each run's `metrics.jsonl` is under `pretrain/`, `finetune/` and `continual/`.%n%n",
                s.get("preset"), s.get("study_seed"), s.get("model"), s.get("device"), s.get("seeds"), secs(num(s.get("study_seconds"))),
                invocations > 1 ? " (over " + invocations + " invocations: the study was resumed)" : ""));
        m.append("**Uncertainty.** Every test score comes with a 95% confidence interval in brackets: ").append(StudyIntervals.description())
                .append(" A claim resting on one difference (the mean scarcity difference, the rise in held-out MLM loss after full "
                        + "fine-tuning) counts it only when its paired interval excludes zero; the hybrid claim needs the interval of its loss to "
                        + "stay above -").append(String.format("%.2f", Claims.HYBRID_MARGIN)).append(". A claim that counts a family of "
                        + "differences (the task x budget cells, the task x initialisation pairs, the tasks, the mitigations, the low budgets) "
                        + "counts one only when Holm's correction over the family keeps it at a family-wise 5% (from each difference's "
                        + "bootstrap p-value) and its estimate lies on the same side of zero; the evidence gives both counts, by each "
                        + "difference's own interval and after the correction.\n\n");
        if (s.get("seeds") instanceof List<?> seeds && seeds.size() == 1) {
            m.append("**One fine-tuning seed.** The intervals say how much a score could move with another test sample, not with another "
                    + "fine-tuning seed, which can move it as much or more: read the verdicts as what this run measured. "
                    + "`--preset standard` runs three seeds and reports their standard deviations (±).\n\n");
        }
        m.append("## The article's comparison, with our numbers\n\n").append(table).append('\n');
        m.append("## The article's claims\n\n| claim | verdict | evidence |\n|---|---|---|\n");
        for (Claims.Verdict v : verdicts) m.append("| ").append(v.claim()).append(" | **").append(v.verdict()).append("** | ").append(v.evidence()).append(" |\n");
        m.append('\n').append(acrossClaims);
        m.append("\n## Test scores by label budget\n\n").append(stats.budgetTable()).append('\n');
        if (s.get("finetune_settings") instanceof Map<?, ?> ft) {
            m.append(String.format("Every fine-tuning run: %s epochs over its labelled examples but at least 30 and at most %s steps "
                    + "of %s (so the smallest budgets make more epochs), learning rate %s, the same for pretrained and scratch; the "
                    + "larger budgets are not trained longer, they see more distinct examples. No early stopping: every run takes "
                    + "all its steps, and of its %s (every max(10, steps / 4) steps and at the last) the best picks "
                    + "the model the test set scores. "
                    + "Mean gains average each task's own score (token accuracy for POS, macro-F1 for genre and spam).%n%n",
                    ft.get("epochs"), ft.get("max_steps"), ft.get("batch"), ft.get("lr"), stats.devEvaluationRange()));
        }
        m.append("## Catastrophic forgetting (genre, 10% of labels)\n\n").append(stats.forgettingTable()).append('\n');
        m.append("## Continual (domain-adaptive) pretraining on e-mail, then spam detection\n\n").append(stats.continualTable()).append('\n');
        m.append("## Compute per phase\n\n").append(stats.computeTable()).append('\n');
        m.append("## Plots\n\n");
        for (String p : plots) m.append("![").append(p).append("](plots/").append(p).append(")\n\n");
        m.append("Scores: token accuracy for POS tagging, macro-F1 for genre and spam. FLOPs are those of the matrix products, "
                + "counted by the engine as they ran (forward and backward).\n");
        return m.toString();
    }

    // ---- plots ---------------------------------------------------------------------------------------------

    private List<String> plots(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        List<double[]> curve = stats.pretrainCurve();
        double[] x = curve.stream().mapToDouble(c -> c[0]).toArray(), y = curve.stream().mapToDouble(c -> c[1]).toArray();
        Chart.line(dir.resolve("pretraining-loss.png"), "MLM pretraining loss", "step", "training loss",
                List.of(new Chart.Series("train (batch mean)", x, y)), false);
        names.add("pretraining-loss.png");
        for (String task : Study.TASKS) {
            List<Chart.Series> series = new ArrayList<>();
            for (String init : stats.hasBaselines() ? List.of("pretrained", "scratch", Study.BASELINE) : List.of("pretrained", "scratch")) {
                double[] b = stats.budgets().stream().mapToDouble(d -> d * 100).toArray();
                double[] v = stats.budgets().stream().mapToDouble(d -> stats.mean(task, d, init)).toArray();
                double[] lo = stats.budgets().stream().mapToDouble(d -> stats.ci(StudyIntervals.score(task, d, init)).lo()).toArray();
                double[] hi = stats.budgets().stream().mapToDouble(d -> stats.ci(StudyIntervals.score(task, d, init)).hi()).toArray();
                series.add(new Chart.Series(init, b, v, lo, hi));
            }
            String f = "budget-" + task + ".png";
            Chart.line(dir.resolve(f), task + ": test " + Study.metricOf(task) + " vs labels (95% CI)", "% of training labels (log)",
                    Study.metricOf(task), series, true);
            names.add(f);
        }
        // The gain per budget and task, with its paired interval: a bar whose error bar crosses zero is no measured gain.
        List<Chart.Bars> gains = new ArrayList<>();
        for (String task : Study.TASKS) {
            List<Bootstrap.Interval> g = stats.budgets().stream().map(b -> stats.ci(StudyIntervals.gain(task, b))).toList();
            gains.add(new Chart.Bars(task, g.stream().mapToDouble(Bootstrap.Interval::estimate).toArray(),
                    g.stream().mapToDouble(Bootstrap.Interval::lo).toArray(), g.stream().mapToDouble(Bootstrap.Interval::hi).toArray()));
        }
        Chart.bars(dir.resolve("gains.png"), "Gain from pretraining (pretrained - scratch), paired 95% CI", "test score difference",
                stats.budgets().stream().map(b -> pct(b) + " labels").toList(), gains);
        names.add("gains.png");
        List<String> variants = stats.forgettingVariants();
        Chart.bars(dir.resolve("forgetting.png"), "Forgetting: held-out MLM loss increase", "loss increase", variants,
                List.of(new Chart.Bars("genre, 10% labels", variants.stream().mapToDouble(stats::forgettingIncrease).toArray())));
        names.add("forgetting.png");
        List<StudyStats.Phase> phases = stats.phases();
        Chart.bars(dir.resolve("compute.png"), "Compute per phase (the report's table)", "minutes", phases.stream().map(StudyStats.Phase::label).toList(),
                List.of(new Chart.Bars("wall time", phases.stream().mapToDouble(p -> p.seconds() / 60).toArray())));
        names.add("compute.png");
        return names;
    }

    static double num(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    /** A minimal Markdown-to-HTML rendering for the report (headings, tables, images embedded, paragraphs). */
    static final class Html {
        static String of(String title, String md, Path dir) throws IOException {
            StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(esc(title))
                    .append("</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}"
                            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:left}"
                            + "th{background:#eee}img{max-width:100%}</style></head><body>\n");
            boolean inTable = false;
            for (String line : md.split("\n")) {
                if (line.startsWith("|")) {
                    if (line.startsWith("|---")) continue;
                    String[] cells = line.substring(1, line.length() - 1).split("\\|");
                    String tag = inTable ? "td" : "th";
                    if (!inTable) h.append("<table>");
                    inTable = true;
                    h.append("<tr>");
                    for (String c : cells) h.append('<').append(tag).append('>').append(inline(c.trim())).append("</").append(tag).append('>');
                    h.append("</tr>\n");
                    continue;
                }
                if (inTable) {
                    h.append("</table>\n");
                    inTable = false;
                }
                if (line.startsWith("## ")) h.append("<h2>").append(esc(line.substring(3))).append("</h2>\n");
                else if (line.startsWith("# ")) h.append("<h1>").append(esc(line.substring(2))).append("</h1>\n");
                else if (line.startsWith("![")) {
                    String file = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
                    byte[] png = Files.readAllBytes(dir.resolve(file));
                    h.append("<p><img alt=\"").append(esc(file)).append("\" src=\"data:image/png;base64,")
                            .append(Base64.getEncoder().encodeToString(png)).append("\"></p>\n");
                } else if (!line.isBlank()) h.append("<p>").append(inline(line)).append("</p>\n");
            }
            if (inTable) h.append("</table>\n");
            return h.append("</body></html>\n").toString();
        }

        private static String inline(String s) {
            return esc(s).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>").replaceAll("`(.+?)`", "<code>$1</code>");
        }

        private static String esc(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
