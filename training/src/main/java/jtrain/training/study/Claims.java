package jtrain.training.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The article's claims, each judged from the measured numbers: "supported", "not supported" or "mixed", with the
 * figure behind the verdict. The rules are simple on purpose, so a reader can check them against the tables. A claim
 * resting on one comparison (a test-score difference, or one in held-out MLM loss resampled over the held-out
 * sequences) counts it when its paired 95% bootstrap interval ({@link StudyIntervals}) excludes zero. A claim that
 * counts a family of comparisons (9 cells, 6 pairs, ...) counts only those Holm's correction keeps at a family-wise
 * 5% ({@link ComparisonFamily}); its evidence gives the count by each comparison's own interval beside it.
 */
final class Claims {
    private Claims() {}

    record Verdict(String claim, String verdict, String evidence) {}

    /** The rise in held-out MLM loss that makes measurable forgetting "catastrophic" enough to support the claim. */
    static final double FORGETTING_MARGIN = 0.05;

    /** The largest genre macro-F1 loss that still counts as "keeping" task performance. */
    static final double HYBRID_MARGIN = 0.03;

    static List<Verdict> judge(StudyStats st) {
        return judge(st, families(st));
    }

    /** The verdicts with the given Holm decisions for the families ({@link #families}, or {@link #acrossClaims} of them). */
    static List<Verdict> judge(StudyStats st, Map<String, ComparisonFamily> fam) {
        List<Verdict> v = new ArrayList<>();
        double ratio = st.pretrainFlops() / st.meanFtFlops("pretrained");
        // "Much more": an order of magnitude; more but less than that is only "mixed".
        v.add(new Verdict("Pre-training needs much more compute than fine-tuning",
                ratio >= 10 ? "supported" : ratio > 1 ? "mixed" : "not supported",
                String.format("pretraining %s vs %s per fine-tuning run (%.0fx)", StudyReport.flops(st.pretrainFlops()),
                        StudyReport.flops(st.meanFtFlops("pretrained")), ratio)));

        ComparisonFamily gains = fam.get(GAINS);
        int cells = gains.size(), better = gains.above(), worse = gains.below();
        String transfer = better * 3 >= cells * 2 && st.meanGain() > 0 ? "supported" : better * 3 <= cells && st.meanGain() <= 0 ? "not supported" : "mixed";
        v.add(new Verdict("Pre-trained representations transfer to downstream tasks", transfer,
                String.format("pretrained beats scratch in %s; worse in %d (%d after the correction); mean gain %+.3f",
                        ComparisonFamily.counts(gains.aboveByOwnInterval(), better, cells, "task/budget cells"), gains.belowByOwnInterval(), worse,
                        st.meanGain())));
        v.add(new Verdict("Combining pre-training with fine-tuning gives the best results", worse == 0 && better > 0 ? "supported" : better > worse ? "mixed" : "not supported",
                String.format("pretrained+fine-tuned is worse than fine-tuning alone in %s; better in %d (%d after the correction)",
                        ComparisonFamily.counts(gains.belowByOwnInterval(), worse, cells, "cells"), gains.aboveByOwnInterval(), better)));

        ComparisonFamily rises = fam.get(RISES);
        int rising = rises.above();
        StringBuilder listed = new StringBuilder();
        for (String name : rises.names()) listed.append(String.format("; %s %s", name.substring(name.indexOf('/') + 1).replace('/', ' '), st.fmtDiffP(name)));
        v.add(new Verdict("Fine-tuning needs labelled data: more labels, better results", rising == rises.size() ? "supported" : rising * 2 >= rises.size() ? "mixed" : "not supported",
                String.format("the score rises from %s to %s of the labels in %s%s", StudyReport.pct(st.minBudget()), StudyReport.pct(st.maxBudget()),
                        ComparisonFamily.counts(rises.aboveByOwnInterval(), rising, rises.size(), "task/initialisation pairs"), listed)));
        // Judged per task as well as on the mean, so one task with a large gain cannot carry the verdict alone. The
        // mean is a single comparison: its own interval decides.
        Bootstrap.Interval meanScarcity = st.ci(StudyIntervals.SCARCITY_MEAN);
        ComparisonFamily scarcity = fam.get(SCARCITY);
        int scarceTasks = scarcity.above(), taskCount = scarcity.size();
        StringBuilder perTask = new StringBuilder();
        for (String t : Study.TASKS) {
            perTask.append(String.format("; %s %+.3f vs %+.3f: %s", t, st.gain(t, st.minBudget()), st.gain(t, st.maxBudget()),
                    st.fmtDiffP(StudyIntervals.scarcity(t))));
        }
        v.add(new Verdict("Pre-training matters most when labels are scarce",
                meanScarcity.lo() > 0 && scarceTasks * 2 > taskCount ? "supported" : meanScarcity.lo() <= 0 && scarceTasks * 2 < taskCount ? "not supported" : "mixed",
                String.format("mean gain %+.3f at %s labels vs %+.3f at %s, difference %s (paired 95%% interval); larger at %s in %s%s",
                        st.meanGainAt(st.minBudget()), StudyReport.pct(st.minBudget()), st.meanGainAt(st.maxBudget()), StudyReport.pct(st.maxBudget()),
                        st.fmtDiff(StudyIntervals.SCARCITY_MEAN), StudyReport.pct(st.minBudget()),
                        ComparisonFamily.counts(scarcity.aboveByOwnInterval(), scarceTasks, taskCount, "tasks"), perTask)));

        Bootstrap.Interval forgot = st.ci(StudyIntervals.forgetting("full"));
        double full = forgot.estimate();
        v.add(new Verdict("Fine-tuning risks catastrophic forgetting of pre-trained knowledge",
                forgot.lo() > 0 ? (full > FORGETTING_MARGIN ? "supported" : "mixed") : "not supported",
                String.format("held-out MLM loss %+.3f %s after full fine-tuning (paired 95%% interval over the held-out sequences: above zero is "
                        + "forgetting; supported when it also exceeds %.2f)", full, forgot.range(true), FORGETTING_MARGIN)));
        ComparisonFamily mitigations = fam.get(MITIGATIONS);
        int mitigated = mitigations.below(), tried = mitigations.size();
        StringBuilder vsFull = new StringBuilder();
        for (String name : mitigations.names()) vsFull.append(String.format("; %s %s", name.substring(name.indexOf('/') + 1), st.fmtDiffP(name)));
        v.add(new Verdict("Freezing layers, hybrid objectives and rehearsal reduce forgetting",
                mitigated == tried ? "supported" : mitigated > 0 ? "mixed" : "not supported",
                String.format("held-out MLM loss measurably below full fine-tuning's in %s%s",
                        ComparisonFamily.counts(mitigations.belowByOwnInterval(), mitigated, tried, "mitigations"), vsFull)));
        // "Keeps" is a non-inferiority claim: the interval must rule out a loss of more than HYBRID_MARGIN.
        Bootstrap.Interval hybrid = st.ci(StudyIntervals.HYBRID_MINUS_FULL);
        v.add(new Verdict("Hybrid (supervised + unsupervised) fine-tuning keeps task performance",
                hybrid.lo() >= -HYBRID_MARGIN ? "supported" : hybrid.hi() < 0 ? "not supported" : "mixed",
                String.format("genre macro-F1 %.3f with the auxiliary MLM loss vs %.3f without: %s (paired 95%% interval; a loss of more than %.2f "
                        + "must be ruled out)", st.forgettingScore("hybrid"), st.forgettingScore("full"), st.fmtDiff(StudyIntervals.HYBRID_MINUS_FULL),
                        HYBRID_MARGIN)));

        ComparisonFamily continual = fam.get(CONTINUAL);
        int helped = continual.above(), n = continual.size();
        StringBuilder ev = new StringBuilder();
        for (double b : st.continualBudgets()) {
            ev.append(String.format("%s%s at %s labels", ev.length() == 0 ? "" : ", ", st.fmtDiffP(StudyIntervals.continual(b)), StudyReport.pct(b)));
        }
        v.add(new Verdict("Continual (domain-adaptive) pre-training helps the target domain",
                helped == n && n > 0 ? "supported" : helped > 0 ? "mixed" : "not supported",
                "spam macro-F1 change after e-mail MLM: " + ev + "; helps at " + ComparisonFamily.counts(continual.aboveByOwnInterval(), helped, n, "budgets")));
        return v;
    }

    /** The names of the families the claims count (keys of {@link #families}; summary.json's "intervals.holm"). */
    static final String GAINS = "gain", RISES = "rise", SCARCITY = "scarcity", MITIGATIONS = "forgetting_vs_full", CONTINUAL = "continual";

    /**
     * The families of comparisons the claims count, each judged with Holm's correction over its members: the gain
     * from pretraining per task and budget (transfer, combining), the rise from the fewest to the most labels per task
     * and initialisation, the scarcity difference per task, each mitigation against full fine-tuning (those run), and
     * continual pretraining per low budget.
     */
    static Map<String, ComparisonFamily> families(StudyStats st) {
        List<String> gains = new ArrayList<>(), rises = new ArrayList<>(), scarcity = new ArrayList<>(), mitigations = new ArrayList<>(),
                continual = new ArrayList<>();
        for (String t : Study.TASKS) {
            for (double b : st.budgets()) gains.add(StudyIntervals.gain(t, b));
            for (String init : List.of("pretrained", "scratch")) rises.add(StudyIntervals.rise(t, init));
            scarcity.add(StudyIntervals.scarcity(t));
        }
        for (String m : List.of("frozen", "hybrid", "rehearsal")) if (!Double.isNaN(st.forgettingIncrease(m))) mitigations.add(StudyIntervals.forgettingVsFull(m));
        for (double b : st.continualBudgets()) continual.add(StudyIntervals.continual(b));
        Map<String, ComparisonFamily> f = new LinkedHashMap<>();
        f.put(GAINS, ComparisonFamily.of(GAINS, gains, st::ci));
        f.put(RISES, ComparisonFamily.of(RISES, rises, st::ci));
        f.put(SCARCITY, ComparisonFamily.of(SCARCITY, scarcity, st::ci));
        f.put(MITIGATIONS, ComparisonFamily.of(MITIGATIONS, mitigations, st::ci));
        f.put(CONTINUAL, ComparisonFamily.of(CONTINUAL, continual, st::ci));
        return f;
    }

    /** summary.json's key (under "intervals.holm") for the families judged by {@link #acrossClaims}. */
    static final String ACROSS_CLAIMS = "across_claims";

    /**
     * The same families judged by one Holm correction over all their comparisons at once: a family-wise 5% for the
     * whole set of claims instead of per claim (stricter: the smallest p faces 0.05 over all of them). Each comparison
     * stays in its family for counting; only the decisions change.
     */
    static Map<String, ComparisonFamily> acrossClaims(Map<String, ComparisonFamily> families) {
        double[] p = families.values().stream().flatMap(f -> f.intervals().stream()).mapToDouble(Bootstrap.Interval::p).toArray();
        Holm.Step[] steps = Holm.steps(p, Holm.ALPHA);
        Map<String, ComparisonFamily> judged = new LinkedHashMap<>();
        int k = 0;
        for (ComparisonFamily f : families.values()) {
            judged.put(f.name(), new ComparisonFamily(f.name(), f.names(), f.intervals(), List.of(Arrays.copyOfRange(steps, k, k + f.size()))));
            k += f.size();
        }
        return judged;
    }
}
