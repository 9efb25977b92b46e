package jtrain.training.study;

import java.util.ArrayList;
import java.util.List;

/**
 * The article's claims, each judged from the measured numbers: "supported", "not supported" or "mixed", with the
 * figure behind the verdict. The rules are simple on purpose, so a reader can check them against the tables.
 */
final class Claims {
    private Claims() {}

    record Verdict(String claim, String verdict, String evidence) {}

    /** Differences smaller than this (in score or loss units) count as no difference. */
    static final double TIE = 0.005;

    static List<Verdict> judge(StudyStats st) {
        List<Verdict> v = new ArrayList<>();
        double ratio = st.pretrainFlops() / st.meanFtFlops("pretrained");
        // "Much more": an order of magnitude; more but less than that is only "mixed".
        v.add(new Verdict("Pre-training needs much more compute than fine-tuning",
                ratio >= 10 ? "supported" : ratio > 1 ? "mixed" : "not supported",
                String.format("pretraining %s vs %s per fine-tuning run (%.0fx)", StudyReport.flops(st.pretrainFlops()),
                        StudyReport.flops(st.meanFtFlops("pretrained")), ratio)));

        int cells = 0, better = 0, worse = 0;
        for (String t : Study.TASKS) {
            for (double b : st.budgets()) {
                cells++;
                double g = st.gain(t, b);
                if (g > TIE) better++;
                else if (g < -TIE) worse++;
            }
        }
        String transfer = better * 3 >= cells * 2 && st.meanGain() > 0 ? "supported" : better * 3 <= cells && st.meanGain() <= 0 ? "not supported" : "mixed";
        v.add(new Verdict("Pre-trained representations transfer to downstream tasks", transfer,
                String.format("pretrained beats scratch in %d of %d task/budget cells, worse in %d; mean gain %+.3f", better, cells, worse, st.meanGain())));
        v.add(new Verdict("Combining pre-training with fine-tuning gives the best results", worse == 0 && better > 0 ? "supported" : better > worse ? "mixed" : "not supported",
                String.format("pretrained+fine-tuned is at least as good as fine-tuning alone in %d of %d cells", cells - worse, cells)));

        int rising = 0;
        for (String t : Study.TASKS) {
            for (String init : List.of("pretrained", "scratch")) {
                if (st.mean(t, st.maxBudget(), init) > st.mean(t, st.minBudget(), init) + TIE) rising++;
            }
        }
        v.add(new Verdict("Fine-tuning needs labelled data: more labels, better results", rising == 6 ? "supported" : rising >= 3 ? "mixed" : "not supported",
                String.format("the score rises from %s to %s of the labels in %d of 6 task/initialisation pairs", StudyReport.pct(st.minBudget()),
                        StudyReport.pct(st.maxBudget()), rising)));
        // Judged per task as well as on the mean, so one task with a large gain cannot carry the verdict alone.
        double low = st.meanGainAt(st.minBudget()), high = st.meanGainAt(st.maxBudget());
        int scarceTasks = 0;
        StringBuilder perTask = new StringBuilder();
        for (String t : Study.TASKS) {
            double lo = st.gain(t, st.minBudget()), hi = st.gain(t, st.maxBudget());
            if (lo > hi + TIE) scarceTasks++;
            perTask.append(String.format("; %s %+.3f vs %+.3f", t, lo, hi));
        }
        int taskCount = Study.TASKS.size();
        v.add(new Verdict("Pre-training matters most when labels are scarce",
                low > high + TIE && scarceTasks * 2 > taskCount ? "supported" : low <= high + TIE && scarceTasks * 2 < taskCount ? "not supported" : "mixed",
                String.format("mean gain %+.3f at %s labels vs %+.3f at %s; larger at %s in %d of %d tasks%s", low, StudyReport.pct(st.minBudget()),
                        high, StudyReport.pct(st.maxBudget()), StudyReport.pct(st.minBudget()), scarceTasks, taskCount, perTask)));

        double full = st.forgettingIncrease("full");
        v.add(new Verdict("Fine-tuning risks catastrophic forgetting of pre-trained knowledge", full > 0.05 ? "supported" : full > TIE ? "mixed" : "not supported",
                String.format("held-out MLM loss %+.3f after full fine-tuning", full)));
        int mitigated = 0, tried = 0;
        for (String m : List.of("frozen", "hybrid", "rehearsal")) {
            if (Double.isNaN(st.forgettingIncrease(m))) continue;
            tried++;
            if (st.forgettingIncrease(m) < full - TIE) mitigated++;
        }
        v.add(new Verdict("Freezing layers, hybrid objectives and rehearsal reduce forgetting",
                mitigated == tried ? "supported" : mitigated > 0 ? "mixed" : "not supported",
                String.format("%d of %d mitigations forget less than full fine-tuning (%s vs full %+.2f)", mitigated, tried, st.mitigationSummary(), full)));
        double hybridDelta = st.forgettingScore("hybrid") - st.forgettingScore("full");
        v.add(new Verdict("Hybrid (supervised + unsupervised) fine-tuning keeps task performance",
                hybridDelta >= -TIE ? "supported" : hybridDelta >= -0.03 ? "mixed" : "not supported",
                String.format("genre macro-F1 %.3f with the auxiliary MLM loss vs %.3f without (%+.3f)", st.forgettingScore("hybrid"),
                        st.forgettingScore("full"), hybridDelta)));

        int helped = 0, n = 0;
        StringBuilder ev = new StringBuilder();
        for (double b : st.continualBudgets()) {
            double d = st.continualMean(b) - st.mean("spam", b, "pretrained");
            n++;
            if (d > TIE) helped++;
            ev.append(String.format("%s%+.3f at %s labels", ev.length() == 0 ? "" : ", ", d, StudyReport.pct(b)));
        }
        v.add(new Verdict("Continual (domain-adaptive) pre-training helps the target domain",
                helped == n && n > 0 ? "supported" : helped > 0 ? "mixed" : "not supported", "spam macro-F1 change after e-mail MLM: " + ev));
        return v;
    }
}
