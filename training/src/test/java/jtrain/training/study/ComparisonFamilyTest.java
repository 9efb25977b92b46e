package jtrain.training.study;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A claim's family of comparisons: both counts, the direction rule, what summary.json stores, and a refused input. */
class ComparisonFamilyTest {
    static final double CLEAR = 2.0 / 1001;

    static ComparisonFamily family(Map<String, Bootstrap.Interval> intervals) {
        return ComparisonFamily.of("test", List.copyOf(intervals.keySet()), intervals::get);
    }

    @Test
    void countsEachComparisonByItsOwnIntervalAndAfterTheCorrection() {
        // A clear gain, a clear loss (p at the floor) and a marginal gain (p = 0.04, its interval just above zero).
        // Holm over three: the floors pass 0.05/3 and 0.05/2, and 0.04, the largest, faces 0.05 itself and passes.
        Map<String, Bootstrap.Interval> m = new LinkedHashMap<>();
        m.put("gain", new Bootstrap.Interval(0.05, 0.03, 0.07, CLEAR, true));
        m.put("loss", new Bootstrap.Interval(-0.05, -0.07, -0.03, CLEAR, true));
        m.put("marginal", new Bootstrap.Interval(0.02, 0.001, 0.04, 0.04, true));
        ComparisonFamily three = family(m);
        assertEquals(2, three.aboveByOwnInterval());
        assertEquals(2, three.above());
        assertEquals(1, three.below());
        // An unclear fourth comparison makes the family larger: 0.04 now faces 0.05/2 and fails, so it no longer counts.
        m.put("unclear", new Bootstrap.Interval(0.01, -0.02, 0.04, 0.6, true));
        ComparisonFamily four = family(m);
        assertEquals(2, four.aboveByOwnInterval());
        assertEquals(1, four.above());
        assertEquals(1, four.below());
        assertEquals("2 of 4 cells, each by its own paired 95% interval, 1 after Holm's correction over the 4",
                ComparisonFamily.counts(four.aboveByOwnInterval(), four.above(), four.size(), "cells"));
    }

    @Test
    void aRejectedComparisonCountsOnlyWhereItsEstimateAndIntervalAgreeOnTheSide() {
        // The estimate (on the test set itself) can fall outside its percentile interval: then it is not counted.
        Map<String, Bootstrap.Interval> m = Map.of("odd", new Bootstrap.Interval(-0.01, 0.002, 0.03, CLEAR, true));
        ComparisonFamily f = family(m);
        assertTrue(f.steps().get(0).rejected());
        assertEquals(0, f.above());
        assertEquals(0, f.below());
        assertEquals(1, f.aboveByOwnInterval(), "by its own interval it is above zero");
    }

    @Test
    @SuppressWarnings("unchecked")
    void storesEachComparisonsPValueRankLevelAndDecision() {
        Map<String, Bootstrap.Interval> m = new LinkedHashMap<>();
        m.put("gain/pos/1pct", new Bootstrap.Interval(0.02, 0.001, 0.04, 0.03, true));
        m.put("gain/pos/100pct", new Bootstrap.Interval(0.05, 0.03, 0.07, CLEAR, true));
        Map<String, Object> stored = family(m).toMap();
        assertEquals(0.05, stored.get("alpha"));
        List<Map<String, Object>> c = (List<Map<String, Object>>) stored.get("comparisons");
        assertEquals(Map.of("interval", "gain/pos/1pct", "estimate", 0.02, "p", 0.03, "holm_rank", 2, "holm_level", 0.05, "holm_rejects", true,
                "counts_as", "above zero"), c.get(0));
        assertEquals(1, c.get(1).get("holm_rank"));
        assertEquals(0.025, c.get(1).get("holm_level"));
    }

    @Test
    void anIntervalWithoutAPValueIsRefusedByName() {
        Map<String, Bootstrap.Interval> m = Map.of("gain/spam/1pct", new Bootstrap.Interval(0.3, 0.2, 0.4, Double.NaN, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> family(m));
        assertTrue(e.getMessage().contains("interval 'gain/spam/1pct' of the family 'test' has no p-value"), e.getMessage());
    }
}
