package jtrain.training.study;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.training.finetune.EvalResult;
import jtrain.training.finetune.Metrics;
import jtrain.training.finetune.TaskExample;

/** The bootstrap intervals the study reports: known cases, pairing, reproducibility, and the units it resamples. */
class BootstrapTest {

    /** n examples of one label each, the first `correct` of them predicted right (two classes, alternating gold). */
    static TestUnits.MacroF1 examples(int n, int correct, String testSet) {
        int[] gold = new int[n], predicted = new int[n];
        for (int i = 0; i < n; i++) {
            gold[i] = i % 2;
            predicted[i] = i < correct ? gold[i] : 1 - gold[i];
        }
        return new TestUnits.MacroF1(gold, predicted, 2, testSet);
    }

    /** n sentences of 5 words each; `correct` words right in each. */
    static TestUnits.Accuracy sentences(int n, int correct) {
        int[] scored = new int[n], right = new int[n];
        java.util.Arrays.fill(scored, 5);
        java.util.Arrays.fill(right, correct);
        return new TestUnits.Accuracy(scored, right, "00000000000000aa");
    }

    @Test
    void allCorrectGivesOneToOne() {
        Bootstrap.Interval i = Bootstrap.meanScore(List.of(sentences(50, 5)));
        assertEquals(1.0, i.estimate());
        assertEquals(1.0, i.lo());
        assertEquals(1.0, i.hi());
    }

    @Test
    void theIntervalIsAboutTheNormalOneAndNarrowsWithMoreExamples() {
        // Accuracy 0.7 over independent examples: the normal approximation's half-width is 1.96 * sqrt(0.21 / n).
        for (int n : List.of(400, 4000)) {
            int[] scored = new int[n], right = new int[n];
            for (int i = 0; i < n; i++) {
                scored[i] = 1;
                right[i] = i % 10 < 7 ? 1 : 0;
            }
            Bootstrap.Interval i = Bootstrap.meanScore(List.of(new TestUnits.Accuracy(scored, right, "00000000000000bb")));
            double half = 1.96 * Math.sqrt(0.21 / n);
            assertEquals(0.7, i.estimate(), 1e-12);
            assertEquals(2 * half, i.hi() - i.lo(), 0.15 * 2 * half, "n = " + n);
            assertTrue(i.lo() < 0.7 && 0.7 < i.hi());
        }
    }

    @Test
    void theSameSeedGivesTheSameIntervalAndAnotherSeedAnother() {
        TestUnits u = examples(200, 150, "00000000000000cc");
        Bootstrap.Interval a = Bootstrap.of(List.of(u), s -> s[0], 1, 1000, 1), b = Bootstrap.of(List.of(u), s -> s[0], 1, 1000, 1);
        assertEquals(a, b);
        assertNotEquals(a, Bootstrap.of(List.of(u), s -> s[0], 1, 1000, 2));
    }

    @Test
    void aPairedDifferenceOfIdenticalPredictionsIsZeroToZero() {
        TestUnits a = examples(300, 200, "00000000000000dd"), b = examples(300, 200, "00000000000000dd");
        Bootstrap.Interval d = Bootstrap.difference(List.of(a), List.of(b));
        assertEquals(new Bootstrap.Interval(0, 0, 0, 1, true), d, "zero on every resample: nothing to tell from zero, p = 1");
        // The same predictions on two different test sets are resampled independently: then the difference is uncertain.
        Bootstrap.Interval unpaired = Bootstrap.difference(List.of(a), List.of(examples(300, 200, "00000000000000ee")));
        assertFalse(unpaired.sameTestSet());
        assertTrue(unpaired.lo() < -0.03 && unpaired.hi() > 0.03, unpaired.toString());
    }

    @Test
    void pairingNarrowsTheIntervalOfADifferenceBetweenSimilarModels() {
        // b is a with 10 of 400 wrong answers put right: a small but certain improvement.
        TestUnits a = examples(400, 300, "00000000000000ff"), b = examples(400, 310, "00000000000000ff");
        Bootstrap.Interval d = Bootstrap.difference(List.of(b), List.of(a));
        assertTrue(d.lo() > 0, "paired: above zero, " + d);
        assertEquals(2.0 / 1001, d.p(), 1e-12, "no resample of the paired difference is at or below zero: the smallest p 1000 resamples give");
        Bootstrap.Interval unpaired = Bootstrap.difference(List.of(b), List.of(examples(400, 300, "0000000000000100")));
        assertTrue(unpaired.lo() < 0, "unpaired: includes zero, " + unpaired);
        assertTrue(unpaired.p() > 0.05, "unpaired: p " + unpaired.p());
    }

    @Test
    void aMeanOverSeedsUsesOneDrawForAllOfThem() {
        TestUnits a = examples(100, 60, "0000000000000200"), b = examples(100, 80, "0000000000000200");
        Bootstrap.Interval mean = Bootstrap.meanScore(List.of(a, b));
        assertEquals((Bootstrap.meanScore(List.of(a)).estimate() + Bootstrap.meanScore(List.of(b)).estimate()) / 2, mean.estimate(), 1e-12);
        assertTrue(mean.sameTestSet());
    }

    @Test
    void withSeveralSeedsTheIntervalAlsoCoversTheirSpread() {
        // Two seeds on one large test set: one run gets every example right, the other half of them. Resampling the
        // test set alone would give a narrow interval around 0.75; drawing the seeds too reaches both runs' scores.
        TestUnits good = examples(4000, 4000, "0000000000000400"), poor = examples(4000, 2000, "0000000000000400");
        Bootstrap.Interval both = Bootstrap.meanScore(List.of(good, poor));
        assertEquals(0.5 * (1.0 + Bootstrap.meanScore(List.of(poor)).estimate()), both.estimate(), 1e-12);
        assertTrue(both.lo() < 0.55 && both.hi() > 0.99, both.range(false));
        Bootstrap.Interval examplesOnly = Bootstrap.of(List.of(good, poor), s -> Bootstrap.mean(s, 0, 2), 1, 1000, 1);
        assertTrue(examplesOnly.hi() - examplesOnly.lo() < 0.05, examplesOnly.range(false));
    }

    @Test
    void aDifferenceIsPairedBySeed() {
        // Seed j of one side equals seed j of the other: whichever seeds are drawn, the difference is 0.
        TestUnits good = examples(500, 450, "0000000000000500"), poor = examples(500, 250, "0000000000000500");
        Bootstrap.Interval d = Bootstrap.difference(List.of(good, poor), List.of(good, poor));
        assertEquals(0.0, d.lo());
        assertEquals(0.0, d.hi());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bootstrap.difference(List.of(good, poor), List.of(good)));
        assertTrue(e.getMessage().contains("cells of 2 and 1 seeds"), e.getMessage());
    }

    /** 1000 sorted resampled values of which `below` are below zero (spread over [-1, 0)) and the rest above it. */
    static double[] resamples(int below) {
        double[] v = new double[1000];
        for (int i = 0; i < v.length; i++) v[i] = i < below ? -(i + 1.0) / below : (i + 1.0) / v.length;
        java.util.Arrays.sort(v);
        return v;
    }

    @Test
    void thePValueIsTwiceTheSmallerShareOfResamplesOnEitherSideOfZeroPlusOne() {
        // p = 2 * (1 + min(#{v <= 0}, #{v >= 0})) / (B + 1), at most 1.
        assertEquals(2.0 / 1001, Bootstrap.pValue(resamples(0)), 1e-12, "every resample above zero: the floor, about 0.002, never 0");
        assertEquals(2.0 * 11 / 1001, Bootstrap.pValue(resamples(10)), 1e-12, "10 of 1000 below zero");
        assertEquals(2.0 * 31 / 1001, Bootstrap.pValue(resamples(30)), 1e-12, "30 of 1000: about 0.062, no longer below 0.05");
        double[] mirrored = java.util.Arrays.stream(resamples(10)).map(x -> -x).toArray();
        assertEquals(2.0 * 11 / 1001, Bootstrap.pValue(mirrored), 1e-12, "the same with the signs turned: the test is two-sided");
        assertEquals(1.0, Bootstrap.pValue(resamples(500)), "half on each side: capped at 1");
        assertEquals(1.0, Bootstrap.pValue(new double[] {0, 0, 0}), "exact zeros count on both sides");
        assertEquals(2.0 * 2 / 4, Bootstrap.pValue(new double[] {-1, 0, 2}), 1e-12, "a zero counts on both sides: 2 at or below, 2 at or above");
        assertTrue(Double.isNaN(Bootstrap.pValue(new double[0])));
    }

    @Test
    void aPValueAtMostFivePercentMeansTheNinetyFivePercentIntervalExcludesZero() {
        // So a comparison Holm keeps (it needs p <= 0.05 at least) always has its 95% interval on one side of zero.
        for (int k = 0; k <= 60; k++) {
            double[] v = resamples(k);
            double lo = Bootstrap.percentile(v, 0.025);
            if (Bootstrap.pValue(v) <= 0.05) assertTrue(lo > 0, k + " below zero: p " + Bootstrap.pValue(v) + ", lo " + lo);
        }
        // The converse need not hold: 25 of 1000 below zero leave the interpolated 2.5th percentile above zero
        // while p = 52 / 1001 is just above 0.05.
        assertTrue(Bootstrap.percentile(resamples(25), 0.025) > 0);
        assertEquals(52.0 / 1001, Bootstrap.pValue(resamples(25)), 1e-12);
    }

    @Test
    void percentilesInterpolateBetweenNeighbours() {
        double[] sorted = {0, 1, 2, 3, 4};
        assertEquals(0.1, Bootstrap.percentile(sorted, 0.025), 1e-12);
        assertEquals(3.9, Bootstrap.percentile(sorted, 0.975), 1e-12);
        assertTrue(Double.isNaN(Bootstrap.percentile(new double[0], 0.5)));
    }

    @Test
    void unitsReproduceTheEvaluatorsScores() {
        // Tagging: two sentences, 3 and 2 scored words (-100 marks the rest); sequences: one label per example.
        List<TaskExample> tagged = List.of(new TaskExample(new int[] {1, 5, 6, 7, 2}, new int[5], new int[] {-100, 0, 1, 2, -100}, null),
                new TaskExample(new int[] {1, 8, 9, 2}, new int[4], new int[] {-100, 1, 1, -100}, null));
        int[] gold = {0, 1, 2, 1, 1}, predicted = {0, 1, 0, 0, 1};
        EvalResult words = new EvalResult(0, Metrics.accuracy(gold, predicted), 0, 5, gold, predicted);
        TestUnits.Accuracy byWord = (TestUnits.Accuracy) TestUnits.of("accuracy", tagged, words, 3);
        assertArrayEquals(new int[] {3, 2}, byWord.scored());
        assertArrayEquals(new int[] {2, 1}, byWord.correct());
        assertEquals(words.accuracy(), byWord.score(new int[] {1, 1}), 1e-12);

        List<TaskExample> seqs = List.of(ex(0), ex(1), ex(2), ex(1));
        int[] g = {0, 1, 2, 1}, p = {0, 2, 2, 1};
        EvalResult classes = new EvalResult(0, 0, Metrics.macroF1(g, p, 3), 4, g, p);
        TestUnits f1 = TestUnits.of("macro_f1", seqs, classes, 3);
        assertEquals(classes.macroF1(), f1.score(new int[] {1, 1, 1, 1}), 1e-12);
        // Drawing example 0 twice and leaving out example 2: the classes and counts of those draws.
        assertEquals(Metrics.macroF1(new int[] {0, 0, 1, 1}, new int[] {0, 0, 2, 1}, 3), f1.score(new int[] {2, 1, 0, 1}), 1e-12);

        // What a run stores is what it reads back; another test set has another fingerprint.
        assertEquals(f1.score(new int[] {1, 1, 1, 1}), TestUnits.fromMap(jtrain.engine.io.Json.parseObject(jtrain.engine.io.Json.write(f1.toMap()), "t"), "t")
                .score(new int[] {1, 1, 1, 1}));
        assertNotEquals(TestUnits.fingerprint(seqs), TestUnits.fingerprint(seqs.subList(0, 3)));
    }

    @Test
    void mlmLossUnitsWeighSequencesByTheirPredictedTokens() {
        // Two sequences: 3 tokens with loss 6 in all, 1 token with loss 4. The loss is per token: (6 + 4) / 4.
        TestUnits.MlmLoss u = new TestUnits.MlmLoss(new double[] {6, 4}, new int[] {3, 1}, "0000000000000600");
        assertEquals(2.5, u.score(new int[] {1, 1}), 1e-12);
        assertEquals(2.0, u.score(new int[] {2, 0}), 1e-12);
        TestUnits back = TestUnits.fromMap(jtrain.engine.io.Json.parseObject(jtrain.engine.io.Json.write(u.toMap()), "t"), "t");
        assertEquals(u.score(new int[] {1, 3}), back.score(new int[] {1, 3}), 1e-12);
    }

    @Test
    void unitsRefuseAnEvaluationOfOtherExamples() {
        List<TaskExample> seqs = List.of(ex(0), ex(1));
        EvalResult three = new EvalResult(0, 0, 0, 3, new int[3], new int[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestUnits.of("macro_f1", seqs, three, 2));
        assertTrue(e.getMessage().contains("3 labels for 2 examples"), e.getMessage());
        IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
                () -> Bootstrap.difference(List.of(examples(10, 5, "0000000000000300")), List.of(examples(12, 5, "0000000000000300"))));
        assertTrue(sizes.getMessage().contains("10 and 12 units"), sizes.getMessage());
    }

    static TaskExample ex(int label) {
        return new TaskExample(new int[] {1, 10 + label, 2}, new int[3], new int[] {label}, null);
    }
}
