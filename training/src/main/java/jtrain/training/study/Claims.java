package jtrain.training.study;

import java.util.ArrayList;
import java.util.List;

/**
 * The article's claims, each judged from the measured numbers: "supported", "not supported" or "mixed", with the
 * figure behind the verdict. The rules are simple on purpose, so a reader can check them against the tables. A test-score
 * difference counts only when its paired 95% bootstrap interval ({@link StudyIntervals}) excludes zero, as does a
 * difference in held-out MLM loss (forgetting), resampled over the held-out sequences.
 */
final class Claims {
    private Claims() {}

    record Verdict(String claim, String verdict, String evidence) {}

    /** The rise in held-out MLM loss that makes measurable forgetting "catastrophic" enough to support the claim. */
    static final double FORGETTING_MARGIN = 0.05;

    /** The largest genre macro-F1 loss that still counts as "keeping" task performance. */
    static final double HYBRID_MARGIN = 0.03;

    static List<Verdict> judge(StudyStats st) {
        List<Verdict> v = new ArrayList<>();
        double ratio = st.pretrainFlops() / st.meanFtFlops("pretrained");
        // "Much more": an order of magnitude; more but less than that is only "mixed".
        v.add(new Verdict("Pre-training needs much more compute than fine-tuning",
                ratio >= 10 ? "supported" : ratio > 1 ? "mixed" : "not supported",
                String.format("pretraining %s vs %s per fine-tuning run (%.0fx)", StudyReport.flops(st.pretrainFlops()),
                        StudyReport.flops(st.meanFtFlops("pretrained")), ratio)));

        // Score comparisons count as a difference only when the paired 95% bootstrap interval excludes zero.
        int cells = 0, better = 0, worse = 0;
        for (String t : Study.TASKS) {
            for (double b : st.budgets()) {
                cells++;
                Bootstrap.Interval g = st.ci(StudyIntervals.gain(t, b));
                if (g.lo() > 0) better++;
                else if (g.hi() < 0) worse++;
            }
        }
        String transfer = better * 3 >= cells * 2 && st.meanGain() > 0 ? "supported" : better * 3 <= cells && st.meanGain() <= 0 ? "not supported" : "mixed";
        v.add(new Verdict("Pre-trained representations transfer to downstream tasks", transfer,
                String.format("pretrained beats scratch in %d of %d task/budget cells and is worse in %d (paired 95%% interval above / below zero; "
                        + "indistinguishable in %d); mean gain %+.3f", better, cells, worse, cells - better - worse, st.meanGain())));
        v.add(new Verdict("Combining pre-training with fine-tuning gives the best results", worse == 0 && better > 0 ? "supported" : better > worse ? "mixed" : "not supported",
                String.format("pretrained+fine-tuned is not worse than fine-tuning alone in %d of %d cells (paired 95%% interval not below zero), better in %d",
                        cells - worse, cells, better)));

        int rising = 0;
        StringBuilder rises = new StringBuilder();
        for (String t : Study.TASKS) {
            for (String init : List.of("pretrained", "scratch")) {
                Bootstrap.Interval r = st.ci(StudyIntervals.rise(t, init));
                if (r.lo() > 0) rising++;
                rises.append(String.format("; %s %s %s", t, init, st.fmtDiff(StudyIntervals.rise(t, init))));
            }
        }
        v.add(new Verdict("Fine-tuning needs labelled data: more labels, better results", rising == 6 ? "supported" : rising >= 3 ? "mixed" : "not supported",
                String.format("the score rises from %s to %s of the labels in %d of 6 task/initialisation pairs (paired 95%% interval above zero)%s",
                        StudyReport.pct(st.minBudget()), StudyReport.pct(st.maxBudget()), rising, rises)));
        // Judged per task as well as on the mean, so one task with a large gain cannot carry the verdict alone.
        Bootstrap.Interval meanScarcity = st.ci(StudyIntervals.SCARCITY_MEAN);
        int scarceTasks = 0;
        StringBuilder perTask = new StringBuilder();
        for (String t : Study.TASKS) {
            Bootstrap.Interval d = st.ci(StudyIntervals.scarcity(t));
            if (d.lo() > 0) scarceTasks++;
            perTask.append(String.format("; %s %+.3f vs %+.3f: %s", t, st.gain(t, st.minBudget()), st.gain(t, st.maxBudget()),
                    st.fmtDiff(StudyIntervals.scarcity(t))));
        }
        int taskCount = Study.TASKS.size();
        v.add(new Verdict("Pre-training matters most when labels are scarce",
                meanScarcity.lo() > 0 && scarceTasks * 2 > taskCount ? "supported" : meanScarcity.lo() <= 0 && scarceTasks * 2 < taskCount ? "not supported" : "mixed",
                String.format("mean gain %+.3f at %s labels vs %+.3f at %s, difference %s; larger at %s in %d of %d tasks (paired 95%% interval of the "
                        + "difference above zero)%s", st.meanGainAt(st.minBudget()), StudyReport.pct(st.minBudget()), st.meanGainAt(st.maxBudget()),
                        StudyReport.pct(st.maxBudget()), st.fmtDiff(StudyIntervals.SCARCITY_MEAN), StudyReport.pct(st.minBudget()), scarceTasks,
                        taskCount, perTask)));

        Bootstrap.Interval forgot = st.ci(StudyIntervals.forgetting("full"));
        double full = forgot.estimate();
        v.add(new Verdict("Fine-tuning risks catastrophic forgetting of pre-trained knowledge",
                forgot.lo() > 0 ? (full > FORGETTING_MARGIN ? "supported" : "mixed") : "not supported",
                String.format("held-out MLM loss %+.3f %s after full fine-tuning (paired 95%% interval over the held-out sequences: above zero is "
                        + "forgetting; supported when it also exceeds %.2f)", full, forgot.range(true), FORGETTING_MARGIN)));
        int mitigated = 0, tried = 0;
        StringBuilder vsFull = new StringBuilder();
        for (String m : List.of("frozen", "hybrid", "rehearsal")) {
            if (Double.isNaN(st.forgettingIncrease(m))) continue;
            tried++;
            if (st.ci(StudyIntervals.forgettingVsFull(m)).hi() < 0) mitigated++;
            vsFull.append(String.format("; %s %s", m, st.fmtDiff(StudyIntervals.forgettingVsFull(m))));
        }
        v.add(new Verdict("Freezing layers, hybrid objectives and rehearsal reduce forgetting",
                mitigated == tried ? "supported" : mitigated > 0 ? "mixed" : "not supported",
                String.format("%d of %d mitigations forget measurably less than full fine-tuning (paired 95%% interval of the held-out MLM loss "
                        + "minus full fine-tuning's below zero)%s", mitigated, tried, vsFull)));
        // "Keeps" is a non-inferiority claim: the interval must rule out a loss of more than HYBRID_MARGIN.
        Bootstrap.Interval hybrid = st.ci(StudyIntervals.HYBRID_MINUS_FULL);
        v.add(new Verdict("Hybrid (supervised + unsupervised) fine-tuning keeps task performance",
                hybrid.lo() >= -HYBRID_MARGIN ? "supported" : hybrid.hi() < 0 ? "not supported" : "mixed",
                String.format("genre macro-F1 %.3f with the auxiliary MLM loss vs %.3f without: %s (paired 95%% interval; a loss of more than %.2f "
                        + "must be ruled out)", st.forgettingScore("hybrid"), st.forgettingScore("full"), st.fmtDiff(StudyIntervals.HYBRID_MINUS_FULL),
                        HYBRID_MARGIN)));

        int helped = 0, n = 0;
        StringBuilder ev = new StringBuilder();
        for (double b : st.continualBudgets()) {
            n++;
            if (st.ci(StudyIntervals.continual(b)).lo() > 0) helped++;
            ev.append(String.format("%s%s at %s labels", ev.length() == 0 ? "" : ", ", st.fmtDiff(StudyIntervals.continual(b)), StudyReport.pct(b)));
        }
        v.add(new Verdict("Continual (domain-adaptive) pre-training helps the target domain",
                helped == n && n > 0 ? "supported" : helped > 0 ? "mixed" : "not supported",
                "spam macro-F1 change after e-mail MLM (paired 95% interval): " + ev + "; helps at " + helped + " of " + n + " budgets (interval above zero)"));
        return v;
    }
}
