package jtrain.training.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

import jtrain.training.finetune.TaskExample;

/**
 * The study's baselines without a network: naive Bayes over a sequence's tokens, and each word's most frequent tag.
 * Token ids here: 0 padding, 1 [CLS], 2 [SEP], words from 3 up.
 */
public class BaselinesTest {
    public static final IntPredicate SPECIAL = id -> id <= 2;

    static TaskExample text(int label, int... words) {
        int[] ids = new int[words.length + 2];
        ids[0] = 1;
        System.arraycopy(words, 0, ids, 1, words.length);
        ids[ids.length - 1] = 2;
        return new TaskExample(ids, new int[ids.length], new int[] {label}, null);
    }

    @Test
    void naiveBayesPicksTheClassWhoseWordsTheTextShares() {
        // Class 0 talks about tokens 3 and 4, class 1 about 5 and 6; the special tokens, common to all, decide nothing.
        List<TaskExample> train = List.of(text(0, 3, 4, 3), text(0, 4, 3), text(1, 5, 6), text(1, 6, 6, 5));
        NaiveBayes nb = NaiveBayes.fit(train, List.of(), 2, 10, SPECIAL, "accuracy");
        Predictions p = nb.predict(List.of(text(0, 3), text(1, 6, 5), text(1, 5, 3, 6), text(0, 4, 4, 7)));
        assertArrayEquals(new int[] {0, 1, 1, 0}, p.gold());
        assertArrayEquals(new int[] {0, 1, 1, 0}, p.predicted());
        assertEquals(1.0, p.score("accuracy", 2));
    }

    @Test
    void naiveBayesScoresAsTheFormulaSays() {
        // Two classes, vocabulary of 10, alpha 1: P(0) = 2/3, token counts of class 0: {3: 2, 4: 1} (3 tokens), of class 1: {5: 1}.
        List<TaskExample> train = List.of(text(0, 3, 4), text(0, 3), text(1, 5));
        NaiveBayes nb = NaiveBayes.fit(train, List.of(), 2, 10, SPECIAL, "accuracy");
        assertEquals(1.0, nb.alpha());
        // For the text [5]: class 0: log(2/3) + log((0+1)/(3+10)); class 1: log(1/3) + log((1+1)/(1+10)).
        double s0 = Math.log(2.0 / 3) + Math.log(1.0 / 13), s1 = Math.log(1.0 / 3) + Math.log(2.0 / 11);
        assertTrue(s1 > s0);
        assertEquals(1, nb.predict(List.of(text(1, 5))).predicted()[0]);
        // With no token at all, the prior decides.
        assertEquals(0, nb.predict(List.of(text(1))).predicted()[0]);
    }

    @Test
    void naiveBayesChoosesItsSmoothingOnDev() {
        // A token seen once in class 1 against many of class 0: strong smoothing drowns it, weak smoothing lets it decide.
        List<TaskExample> train = new ArrayList<>();
        for (int i = 0; i < 20; i++) train.add(text(0, 3, 4, 5, 6, 7, 8));
        train.add(text(1, 9));
        List<TaskExample> dev = List.of(text(1, 9, 3), text(0, 3, 4));
        NaiveBayes nb = NaiveBayes.fit(train, dev, 2, 10, SPECIAL, "macro_f1");
        assertTrue(nb.alpha() < NaiveBayes.ALPHAS[0], "alpha " + nb.alpha());
        assertArrayEquals(new int[] {1, 0}, nb.predict(dev).predicted());
    }

    @Test
    void naiveBayesRefusesTaggingExamplesAndAnEmptyTrainingSet() {
        TaskExample tagged = new TaskExample(new int[] {1, 3, 2}, new int[3], new int[] {-100, 0, -100}, new int[] {-1, 0, -1});
        assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit(List.of(tagged), List.of(), 2, 10, SPECIAL, "accuracy"));
        assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit(List.of(), List.of(), 2, 10, SPECIAL, "accuracy"));
    }

    /** A tagged sentence: words as runs of token ids, each word's tag on its first token. */
    public static TaskExample sentence(int[][] words, int[] tags) {
        List<Integer> ids = new ArrayList<>(List.of(1)), labels = new ArrayList<>(List.of(-100)), wordIds = new ArrayList<>(List.of(-1));
        for (int w = 0; w < words.length; w++) {
            for (int k = 0; k < words[w].length; k++) {
                ids.add(words[w][k]);
                labels.add(k == 0 ? tags[w] : -100);
                wordIds.add(k == 0 ? w : -1);
            }
        }
        ids.add(2);
        labels.add(-100);
        wordIds.add(-1);
        return new TaskExample(ids.stream().mapToInt(Integer::intValue).toArray(), new int[ids.size()],
                labels.stream().mapToInt(Integer::intValue).toArray(), wordIds.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void mostFrequentTagLooksUpWholeWordsAndFallsBackToTheCommonestTag() {
        int[] the = {3}, run = {4}, runs = {4, 5}; // "runs" shares its first piece with "run"
        List<TaskExample> train = List.of(
                sentence(new int[][] {the, run}, new int[] {0, 1}),
                sentence(new int[][] {the, run, runs}, new int[] {0, 2, 1}),
                sentence(new int[][] {the, run, the}, new int[] {0, 2, 0}));
        MostFrequentTag m = MostFrequentTag.fit(train, 3, SPECIAL);
        assertEquals(3, m.knownWords());
        // "run": tag 2 twice, tag 1 once; "runs": tag 1; an unseen word [9]: tag 0, the commonest (4 of 7).
        Predictions p = m.predict(List.of(sentence(new int[][] {run, runs, {9}, the}, new int[] {2, 1, 0, 1})), SPECIAL);
        assertArrayEquals(new int[] {2, 1, 0, 1}, p.gold());
        assertArrayEquals(new int[] {2, 1, 0, 0}, p.predicted());
        assertEquals(0.75, p.score("accuracy", 3));
    }
}
