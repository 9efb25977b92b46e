package jtrain.training.study;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.io.Json;

/**
 * A claim resting on one difference counts it when its paired 95% interval excludes zero; a claim that counts a family
 * of differences counts those Holm's correction keeps. The summary of a tiny study (2 budgets, so 6 task x budget
 * cells) gets chosen intervals and p-values in place of its measured ones, and the verdicts follow them.
 */
class ClaimsTest {
    @TempDir
    static Path out;
    static Map<String, Object> measured;

    @BeforeAll
    static void runTinyStudy() throws Exception {
        measured = new Study(StudyPipelineTest.tinyPreset(), out, 1, new PrintStream(new ByteArrayOutputStream())).run(StudyPipelineTest.tinyData());
    }

    /** The smallest p-value 1000 resamples give: every resample on one side of zero. */
    static final double CLEAR = 2.0 / 1001;

    /**
     * A copy of the measured summary with the given intervals (name, lo, hi, ...) replaced, each estimate at the
     * middle; the p-value is {@link #CLEAR} for an interval that excludes zero and 1 for one that does not.
     */
    static Map<String, Object> withIntervals(Object... nameLoHi) {
        Object[] withP = new Object[nameLoHi.length / 3 * 4];
        for (int i = 0, j = 0; i < nameLoHi.length; i += 3) {
            double lo = (double) nameLoHi[i + 1], hi = (double) nameLoHi[i + 2];
            withP[j++] = nameLoHi[i];
            withP[j++] = lo;
            withP[j++] = hi;
            withP[j++] = lo > 0 || hi < 0 ? CLEAR : 1.0;
        }
        return withIntervalsAndP(withP);
    }

    /** The same with each p-value given: (name, lo, hi, p, ...). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withIntervalsAndP(Object... nameLoHiP) {
        Map<String, Object> s = Json.parseObject(Json.write(measured), "summary");
        Map<String, Object> values = (Map<String, Object>) ((Map<String, Object>) s.get("intervals")).get("values");
        for (int i = 0; i < nameLoHiP.length; i += 4) {
            double lo = (double) nameLoHiP[i + 1], hi = (double) nameLoHiP[i + 2];
            values.put((String) nameLoHiP[i], new Bootstrap.Interval((lo + hi) / 2, lo, hi, (double) nameLoHiP[i + 3], true).toMap());
        }
        return s;
    }

    static Claims.Verdict claim(Map<String, Object> summary, String startsWith) {
        return Claims.judge(new StudyStats(summary)).stream().filter(v -> v.claim().startsWith(startsWith)).findFirst().orElseThrow();
    }

    /** Every pretrained-minus-scratch interval of the tiny grid (2 budgets x 3 tasks) set to [lo, hi]. */
    static Object[] allGains(double lo, double hi) {
        Object[] a = new Object[18];
        int k = 0;
        for (String t : Study.TASKS) {
            for (double b : new double[] {0.5, 1.0}) {
                a[k++] = StudyIntervals.gain(t, b);
                a[k++] = lo;
                a[k++] = hi;
            }
        }
        return a;
    }

    @Test
    void continualPretrainingHelpsOnlyWhereTheIntervalIsAboveZero() {
        String name = StudyIntervals.continual(0.5);
        Claims.Verdict above = claim(withIntervals(name, 0.01, 0.2), "Continual");
        assertEquals("supported", above.verdict());
        assertTrue(above.evidence().contains("+0.105 [+0.010, +0.200] p=0.002 at 50% labels"), above.evidence());
        assertEquals("not supported", claim(withIntervals(name, -0.01, 0.2), "Continual").verdict(), "an interval that includes zero");
    }

    @Test
    void pretrainedIsBetterOrWorseInACellOnlyWhenTheIntervalExcludesZero() {
        String combining = "Combining";
        assertEquals("supported", claim(withIntervals(allGains(0.01, 0.05)), combining).verdict());
        assertEquals("not supported", claim(withIntervals(allGains(-0.02, 0.05)), combining).verdict(), "no cell measurably better");
        Object[] oneBelowZero = java.util.stream.Stream.concat(java.util.Arrays.stream(allGains(0.01, 0.05)),
                java.util.stream.Stream.of(StudyIntervals.gain("pos", 0.5), -0.1, -0.01)).toArray();
        Claims.Verdict oneWorse = claim(withIntervals(oneBelowZero), combining);
        assertEquals("mixed", oneWorse.verdict());
        assertTrue(oneWorse.evidence().startsWith("pretrained+fine-tuned is worse than fine-tuning alone in 1 of 6 cells, each by its own "
                + "paired 95% interval, 1 after Holm's correction over the 6; better in 5 (5 after the correction)"), oneWorse.evidence());
        Claims.Verdict transfer = claim(withIntervals(allGains(0.01, 0.05)), "Pre-trained representations transfer");
        assertTrue(transfer.evidence().startsWith("pretrained beats scratch in 6 of 6 task/budget cells, each by its own paired 95% interval, "
                + "6 after Holm's correction over the 6; worse in 0 (0 after the correction)"), transfer.evidence());
    }

    /** The six rise intervals (3 tasks x 2 initialisations), all above zero: four clearly, two only just. */
    static Object[] fourClearAndTwoMarginalRises() {
        Object[] a = new Object[24];
        int k = 0;
        for (String t : Study.TASKS) {
            for (String init : new String[] {"pretrained", "scratch"}) {
                boolean marginal = t.equals("spam");
                a[k++] = StudyIntervals.rise(t, init);
                a[k++] = marginal ? 0.001 : 0.01;
                a[k++] = 0.05;
                a[k++] = marginal ? 0.03 : CLEAR;
            }
        }
        return a;
    }

    @Test
    void aFamilyCountsWhatHolmsCorrectionKeepsNotWhatEachIntervalSaysOnItsOwn() {
        // Each of the six rises excludes zero by its own 95% interval, which would make "more labels, better results"
        // supported (6 of 6). Holm over the six: the four p = 0.002 pass their levels (0.05/6 ... 0.05/3), the fifth
        // p = 0.03 fails 0.05/2 = 0.025, and the procedure stops there, keeping the sixth (p = 0.03 <= 0.05) too.
        Claims.Verdict rises = claim(withIntervalsAndP(fourClearAndTwoMarginalRises()), "Fine-tuning needs labelled data");
        assertEquals("mixed", rises.verdict(), "4 of 6 after the correction");
        assertTrue(rises.evidence().contains("in 6 of 6 task/initialisation pairs, each by its own paired 95% interval, 4 after Holm's "
                + "correction over the 6"), rises.evidence());
        assertTrue(rises.evidence().contains("spam pretrained +0.026 [+0.001, +0.050] p=0.030"), rises.evidence());
    }

    @Test
    void theCorrectionLeavesAFamilyOfClearDifferencesAlone() {
        Object[] allClear = fourClearAndTwoMarginalRises();
        for (int i = 3; i < allClear.length; i += 4) allClear[i] = CLEAR;
        assertEquals("supported", claim(withIntervalsAndP(allClear), "Fine-tuning needs labelled data").verdict());
    }

    @Test
    void hybridKeepsTaskPerformanceWhenTheIntervalRulesOutALossOfMoreThanTheMargin() {
        String name = StudyIntervals.HYBRID_MINUS_FULL, hybrid = "Hybrid";
        assertEquals("supported", claim(withIntervals(name, -0.02, 0.01), hybrid).verdict());
        assertEquals("mixed", claim(withIntervals(name, -0.06, 0.01), hybrid).verdict(), "cannot tell");
        assertEquals("not supported", claim(withIntervals(name, -0.08, -0.04), hybrid).verdict());
    }

    @Test
    void forgettingCountsWhenTheHeldOutLossRiseIsAboveZeroAndIsCatastrophicAboveTheMargin() {
        String name = StudyIntervals.forgetting("full"), forgetting = "Fine-tuning risks";
        Claims.Verdict large = claim(withIntervals(name, 0.06, 0.2), forgetting);
        assertEquals("supported", large.verdict());
        assertTrue(large.evidence().startsWith("held-out MLM loss +0.130 [+0.060, +0.200] after full fine-tuning"), large.evidence());
        assertEquals("mixed", claim(withIntervals(name, 0.01, 0.03), forgetting).verdict(), "measurable but small");
        assertEquals("not supported", claim(withIntervals(name, -0.01, 0.3), forgetting).verdict(), "an interval that includes zero");
    }

    @Test
    void aMitigationCountsWhenItsLossIsMeasurablyBelowFullFineTunings() {
        String mitigations = "Freezing layers";
        Object[] allBelow = {StudyIntervals.forgettingVsFull("frozen"), -0.1, -0.01, StudyIntervals.forgettingVsFull("hybrid"), -0.1, -0.01,
                StudyIntervals.forgettingVsFull("rehearsal"), -0.1, -0.01};
        assertEquals("supported", claim(withIntervals(allBelow), mitigations).verdict());
        Object[] oneUnclear = java.util.Arrays.copyOf(allBelow, 12);
        oneUnclear[9] = StudyIntervals.forgettingVsFull("hybrid");
        oneUnclear[10] = -0.1;
        oneUnclear[11] = 0.01;
        Claims.Verdict mixed = claim(withIntervals(oneUnclear), mitigations);
        assertEquals("mixed", mixed.verdict());
        assertTrue(mixed.evidence().startsWith("held-out MLM loss measurably below full fine-tuning's in 2 of 3 mitigations, each by its own "
                + "paired 95% interval, 2 after Holm's correction over the 3"), mixed.evidence());
        assertEquals("not supported", claim(withIntervals(StudyIntervals.forgettingVsFull("frozen"), -0.1, 0.01, StudyIntervals.forgettingVsFull("hybrid"),
                -0.1, 0.01, StudyIntervals.forgettingVsFull("rehearsal"), -0.1, 0.01), mitigations).verdict());
    }

    @Test
    void oneCorrectionAcrossAllClaimsIsStricterThanOnePerClaim() {
        // Every difference the claims count set to "no difference" (p = 1), except the three mitigations: two at
        // p = 0.002 and one at p = 0.01. Per claim (Holm over the 3: levels 0.05/3, 0.05/2, 0.05) all three count.
        // Over all m comparisons at once the third faces 0.05/(m - 2), well below 0.01: it no longer counts.
        Map<String, ComparisonFamily> measuredFamilies = Claims.families(new StudyStats(measured));
        List<Object> chosen = new ArrayList<>();
        for (ComparisonFamily f : measuredFamilies.values()) {
            for (String name : f.names()) chosen.addAll(List.of(name, -0.1, 0.1, 1.0));
        }
        chosen.addAll(List.of(StudyIntervals.forgettingVsFull("frozen"), -0.1, -0.01, CLEAR, StudyIntervals.forgettingVsFull("hybrid"),
                -0.1, -0.01, CLEAR, StudyIntervals.forgettingVsFull("rehearsal"), -0.1, -0.01, 0.01));
        StudyStats st = new StudyStats(withIntervalsAndP(chosen.toArray()));
        Map<String, ComparisonFamily> perClaim = Claims.families(st), across = Claims.acrossClaims(perClaim);
        int m = perClaim.values().stream().mapToInt(ComparisonFamily::size).sum();
        assertTrue(m >= 12, "the tiny study's families hold " + m + " comparisons");

        ComparisonFamily mitigations = across.get(Claims.MITIGATIONS);
        assertEquals(3, perClaim.get(Claims.MITIGATIONS).below());
        assertEquals(2, mitigations.below());
        assertEquals(0.05 / (m - 2), mitigations.steps().get(2).threshold(), 1e-15, "the third smallest p of all m");

        List<Claims.Verdict> verdicts = Claims.judge(st, perClaim), stricter = Claims.judge(st, across);
        String claim = "Freezing layers, hybrid objectives and rehearsal reduce forgetting";
        assertEquals("supported", verdicts.stream().filter(v -> v.claim().equals(claim)).findFirst().orElseThrow().verdict());
        assertEquals("mixed", stricter.stream().filter(v -> v.claim().equals(claim)).findFirst().orElseThrow().verdict());
        String note = StudyReport.acrossClaimsNote(perClaim, across, verdicts, stricter);
        assertTrue(note.contains("(one Holm correction over all " + m + " differences the claims count), 2 of the 3 differences counted "
                + "per claim still count; \"" + claim + "\" would be **mixed** instead of supported."), note);
    }

    @Test
    void aSummaryWithoutIntervalsIsRefusedByName() {
        Map<String, Object> s = Json.parseObject(Json.write(measured), "summary");
        s.remove("intervals");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Claims.judge(new StudyStats(s)));
        assertTrue(e.getMessage().contains("no bootstrap intervals"), e.getMessage());
    }
}
