package jtrain.training.baseline;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

import jtrain.training.finetune.TaskExample;

/**
 * The baseline for tagging (see {@link Baseline}): each word gets the tag it carried most often in the training
 * examples, and a word never seen there gets the most frequent tag of all. A word is the run of token ids from a word
 * start (its {@code wordIds} entry is set) up to the next word start or special token, so it reads the same encoded
 * examples the models read. Ties go to the lower tag id.
 */
public final class MostFrequentTag {
    private final Map<Word, Integer> tagOf = new HashMap<>();
    private int fallback;

    private MostFrequentTag() {}

    /** special: the ids that end a word without being part of it (padding, [CLS], [SEP]). */
    public static MostFrequentTag fit(List<TaskExample> train, int numLabels, IntPredicate special) {
        Map<Word, int[]> counts = new HashMap<>();
        int[] overall = new int[numLabels];
        for (TaskExample e : train) {
            requireTagging(e);
            for (int i = 0; i < e.ids().length; i++) {
                int tag = e.labels()[i];
                if (e.wordIds()[i] < 0 || tag < 0) continue;
                counts.computeIfAbsent(Word.at(e, i, special), w -> new int[numLabels])[tag]++;
                overall[tag]++;
            }
        }
        MostFrequentTag m = new MostFrequentTag();
        m.fallback = argmax(overall);
        counts.forEach((w, c) -> m.tagOf.put(w, argmax(c)));
        return m;
    }

    /** The gold and predicted tag of every scored word (label >= 0), example by example, in order. */
    public Predictions predict(List<TaskExample> examples, IntPredicate special) {
        int n = 0;
        for (TaskExample e : examples) for (int l : e.labels()) if (l >= 0) n++;
        int[] gold = new int[n], predicted = new int[n];
        int k = 0;
        for (TaskExample e : examples) {
            requireTagging(e);
            for (int i = 0; i < e.ids().length; i++) {
                if (e.labels()[i] < 0) continue;
                gold[k] = e.labels()[i];
                predicted[k++] = tagOf.getOrDefault(Word.at(e, i, special), fallback);
            }
        }
        return new Predictions(gold, predicted);
    }

    /** The number of distinct words seen in training. */
    public int knownWords() {
        return tagOf.size();
    }

    private static void requireTagging(TaskExample e) {
        if (e.wordIds() == null) throw new IllegalArgumentException("the most-frequent-tag baseline needs tagging examples (word ids)");
    }

    private static int argmax(int[] counts) {
        int best = 0;
        for (int j = 1; j < counts.length; j++) if (counts[j] > counts[best]) best = j;
        return best;
    }

    /** A word's token ids, compared by content. */
    private record Word(int[] ids) {
        static Word at(TaskExample e, int start, IntPredicate special) {
            int end = start + 1;
            while (end < e.ids().length && e.wordIds()[end] < 0 && !special.test(e.ids()[end])) end++;
            return new Word(Arrays.copyOfRange(e.ids(), start, end));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Word w && Arrays.equals(ids, w.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return Arrays.toString(ids);
        }
    }
}
