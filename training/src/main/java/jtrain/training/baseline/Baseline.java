package jtrain.training.baseline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

import jtrain.training.finetune.TaskExample;
import jtrain.training.finetune.TaskKind;
import jtrain.training.tokenizer.BertTokenizer;

/**
 * A model without a network fitted to a task's labelled examples, the reference a fine-tuned network has to beat:
 * each word's most frequent tag for tagging ({@link MostFrequentTag}), naive Bayes over the tokens for single-label
 * sequence tasks ({@link NaiveBayes}). It reads the encoded examples the network reads, minus padding, [CLS] and
 * [SEP].
 */
public final class Baseline {
    private final NaiveBayes naiveBayes;
    private final MostFrequentTag tags;
    private final IntPredicate special;

    private Baseline(NaiveBayes naiveBayes, MostFrequentTag tags, IntPredicate special) {
        this.naiveBayes = naiveBayes;
        this.tags = tags;
        this.special = special;
    }

    /** Fits the baseline of kind to train; naive Bayes chooses its smoothing on dev under metric ("accuracy" or "macro_f1"). */
    public static Baseline fit(TaskKind kind, List<TaskExample> train, List<TaskExample> dev, int numLabels, BertTokenizer tok, String metric) {
        int pad = tok.vocab().id(tok.specialTokens().pad()), cls = tok.vocab().id(tok.specialTokens().cls()), sep = tok.vocab().id(tok.specialTokens().sep());
        IntPredicate special = t -> t == pad || t == cls || t == sep;
        return kind == TaskKind.TOKEN ? new Baseline(null, MostFrequentTag.fit(train, numLabels, special), special)
                : new Baseline(NaiveBayes.fit(train, dev, numLabels, tok.vocab().size(), special, metric), null, special);
    }

    /** The gold and predicted label of every scored example (or word), in order. */
    public Predictions predict(List<TaskExample> examples) {
        return tags != null ? tags.predict(examples, special) : naiveBayes.predict(examples);
    }

    /** "most frequent tag of each word" or "multinomial naive Bayes over the tokens (alpha 0.3)". */
    public String describe() {
        return tags != null ? "most frequent tag of each word" : "multinomial naive Bayes over the tokens (alpha " + naiveBayes.alpha() + ")";
    }

    /** What was fitted, for a results file: the method, and naive Bayes's alpha or the words the tagger knows. */
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (tags != null) {
            m.put("method", "most frequent tag of each word");
            m.put("known_words", tags.knownWords());
        } else {
            m.put("method", "multinomial naive Bayes over the tokens");
            m.put("alpha", naiveBayes.alpha());
        }
        return m;
    }
}
