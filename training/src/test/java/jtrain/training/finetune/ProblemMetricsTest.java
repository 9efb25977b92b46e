package jtrain.training.finetune;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;

import org.junit.jupiter.api.Test;

import jtrain.transformer.ProblemType;

/** The regression and multi-label dev metrics, on small cases worked out by hand (or with numpy where noted). */
class ProblemMetricsTest {
    @Test
    void regressionScoresMseAndBothCorrelationsWithTiesSharingTheirMeanRank() {
        double[] gold = {1, 2, 3, 4, 5}, predicted = {5, 6, 7, 8, 7};
        assertEquals((16 + 16 + 16 + 16 + 4) / 5.0, RegressionMetrics.mse(gold, predicted), 1e-12);
        assertEquals(0.8320502943378437, RegressionMetrics.pearson(gold, predicted), 1e-12, "numpy.corrcoef");
        // The two 7s share ranks 3 and 4: ranks 1, 2, 3.5, 5, 3.5.
        assertArrayEquals(new double[] {1, 2, 3.5, 5, 3.5}, RegressionMetrics.ranks(predicted));
        assertEquals(0.8207826816681234, RegressionMetrics.spearman(gold, predicted), 1e-12, "numpy.corrcoef of the ranks");
        assertEquals(1.0, RegressionMetrics.spearman(gold, new double[] {0.1, 0.2, 10, 11, 100}), 1e-12, "any increasing map");
        assertTrue(Double.isNaN(RegressionMetrics.pearson(gold, new double[] {3, 3, 3, 3, 3})), "undefined for a constant side");
    }

    @Test
    void multiLabelMicroPoolsDecisionsMacroAveragesLabelsExactMatchNeedsTheWholeSet() {
        boolean t = true, f = false;
        boolean[][] gold = {{t, f, f}, {t, t, f}, {f, f, f}};
        boolean[][] predicted = {{t, f, f}, {t, f, t}, {f, f, f}};
        // Pooled: TP 2, FP 1, FN 1 -> 2*2 / (4 + 1 + 1).
        assertEquals(4.0 / 6, MultiLabelMetrics.microF1(gold, predicted), 1e-12);
        // Label 0: F1 1; label 1: TP 0, FN 1 -> 0; label 2: FP 1 -> 0.
        assertEquals(1.0 / 3, MultiLabelMetrics.macroF1(gold, predicted), 1e-12);
        assertEquals(2.0 / 3, MultiLabelMetrics.exactMatch(gold, predicted), 1e-12, "the empty set predicted empty counts");
        boolean[][] none = {{f, f}, {f, f}};
        assertEquals(0.0, MultiLabelMetrics.macroF1(none, none), "a label never gold nor predicted counts 0, as scikit-learn's zero_division");
    }

    @Test
    void eachProblemHasItsMetricsAndADefaultThatPicksTheBestModel() {
        assertEquals("macro_f1", EvalResult.defaultMetric(ProblemType.SINGLE_LABEL));
        assertEquals("pearson", EvalResult.defaultMetric(ProblemType.REGRESSION));
        assertEquals("micro_f1", EvalResult.defaultMetric(ProblemType.MULTI_LABEL));
        EvalResult r = EvalResult.ofScores(ProblemType.REGRESSION, 0.5, 10, Map.of("pearson", 0.9, "spearman", 0.8, "mse", 0.5));
        assertEquals(0.9, r.score("pearson"));
        assertEquals(-0.5, r.score("mse"), "lower MSE is better");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.score("accuracy"));
        assertEquals("unknown metric 'accuracy' for regression (pearson, spearman, mse, loss)", e.getMessage());
        EvalResult constant = EvalResult.ofScores(ProblemType.REGRESSION, 1, 10, Map.of("pearson", Double.NaN, "spearman", Double.NaN, "mse", 1.0));
        assertEquals(Double.NEGATIVE_INFINITY, constant.score("pearson"), "an undefined correlation never stays best");
        assertEquals(0.25, new EvalResult(1, 0.5, 0.25, 4, new int[4], new int[4]).score("macro_f1"), "single-label as before");
    }
}
