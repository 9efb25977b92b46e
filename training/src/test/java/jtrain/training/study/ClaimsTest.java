package jtrain.training.study;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.io.Json;

/**
 * The claims count a difference in test scores only when its paired 95% interval excludes zero. The summary of a tiny
 * study gets chosen intervals in place of its measured ones, and the verdicts follow the intervals.
 */
class ClaimsTest {
    @TempDir
    static Path out;
    static Map<String, Object> measured;

    @BeforeAll
    static void runTinyStudy() throws Exception {
        measured = new Study(StudyPipelineTest.tinyPreset(), out, 1, new PrintStream(new ByteArrayOutputStream())).run(StudyPipelineTest.tinyData());
    }

    /** A copy of the measured summary with the given intervals (name, lo, hi, ...) replaced. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withIntervals(Object... nameLoHi) {
        Map<String, Object> s = Json.parseObject(Json.write(measured), "summary");
        Map<String, Object> values = (Map<String, Object>) ((Map<String, Object>) s.get("intervals")).get("values");
        for (int i = 0; i < nameLoHi.length; i += 3) {
            double lo = (double) nameLoHi[i + 1], hi = (double) nameLoHi[i + 2];
            values.put((String) nameLoHi[i], new Bootstrap.Interval((lo + hi) / 2, lo, hi, true).toMap());
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
        assertTrue(above.evidence().contains("[+0.010, +0.200] at 50% labels"), above.evidence());
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
        assertTrue(oneWorse.evidence().contains("not worse than fine-tuning alone in 5 of 6 cells"), oneWorse.evidence());
        Claims.Verdict transfer = claim(withIntervals(allGains(0.01, 0.05)), "Pre-trained representations transfer");
        assertTrue(transfer.evidence().startsWith("pretrained beats scratch in 6 of 6 task/budget cells and is worse in 0"), transfer.evidence());
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
        assertTrue(mixed.evidence().startsWith("2 of 3 mitigations forget measurably less"), mixed.evidence());
        assertEquals("not supported", claim(withIntervals(StudyIntervals.forgettingVsFull("frozen"), -0.1, 0.01, StudyIntervals.forgettingVsFull("hybrid"),
                -0.1, 0.01, StudyIntervals.forgettingVsFull("rehearsal"), -0.1, 0.01), mitigations).verdict());
    }

    @Test
    void aSummaryWithoutIntervalsIsRefusedByName() {
        Map<String, Object> s = Json.parseObject(Json.write(measured), "summary");
        s.remove("intervals");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Claims.judge(new StudyStats(s)));
        assertTrue(e.getMessage().contains("no bootstrap intervals"), e.getMessage());
    }
}
