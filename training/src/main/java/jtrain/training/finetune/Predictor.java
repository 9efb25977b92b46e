package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import jtrain.engine.Autograd;
import jtrain.engine.MemoryScope;
import jtrain.engine.Tensor;
import jtrain.training.data.TaggedSentence;
import jtrain.training.data.TextExample;
import jtrain.transformer.BertTask;
import jtrain.transformer.ProblemType;

/**
 * Predictions of a saved classifier: label probabilities, one tag per word, a regression model's score, or a
 * multi-label model's label set (see {@link #problem}). The batch methods run their inputs
 * through the model together, padded to the longest with the attention mask, so each result equals the one-input
 * result up to float rounding; the one-input methods are batches of one.
 */
public final class Predictor {
    private final TaskModels.Loaded m;
    private final TaskEncoder encoder;
    private final int padId;

    /** Inputs cut to the model's maximum positions. */
    public Predictor(TaskModels.Loaded loaded) {
        this(loaded, loaded.model().config.maxPositionEmbeddings());
    }

    /** Inputs cut to maxLength tokens (at most the model's positions). */
    public Predictor(TaskModels.Loaded loaded, int maxLength) {
        int positions = loaded.model().config.maxPositionEmbeddings();
        if (maxLength > positions) {
            throw new IllegalArgumentException("max length " + maxLength + " exceeds the model's " + positions + " positions (max_position_embeddings)");
        }
        this.m = loaded;
        this.encoder = new TaskEncoder(loaded.tokenizer(), loaded.labels(), maxLength, loaded.problem());
        this.padId = loaded.tokenizer().vocab().id(loaded.tokenizer().specialTokens().pad());
    }

    /** The most probable label and every label's probability (in label-id order). */
    public record Label(String label, List<String> labels, double[] probabilities, boolean truncated) {}

    /**
     * A regression model's scores, one per output (named in outputs): its raw outputs, as HF's pipeline gives them with
     * function_to_apply="none".
     */
    public record Score(double[] scores, List<String> outputs, boolean truncated) {
        /** The first output's score: the score of a model with one output. */
        public double score() {
            return scores[0];
        }
    }

    /** A multi-label model's labels whose sigmoid probability is above 0.5 (in label order), and every label's probability. */
    public record LabelSet(List<String> chosen, List<String> labels, double[] probabilities, boolean truncated) {}

    /** One word and its tag with the tag's probability; tag null when the word was cut off by the length limit. */
    public record WordTag(String word, String tag, double probability) {}

    public Label classify(String text, String textB) {
        return classify(List.of(new TextExample("input", text, textB, null))).getFirst();
    }

    /** How this model's outputs are read: single-label classes, a regression score, or multi-label. */
    public ProblemType problem() {
        return m.problem();
    }

    /** One Label per example, in order, from one pass of the model; the examples' labels, if any, are not used. */
    public List<Label> classify(List<TextExample> examples) {
        require(ProblemType.SINGLE_LABEL);
        boolean[] truncated = new boolean[examples.size()];
        List<TaskExample> encoded = encode(examples, truncated);
        float[] p = probabilities(encoded);
        int l = m.labels().size();
        List<Label> out = new ArrayList<>(examples.size());
        for (int i = 0; i < encoded.size(); i++) {
            double[] probs = new double[l];
            int best = 0;
            for (int j = 0; j < l; j++) {
                probs[j] = p[i * l + j];
                if (probs[j] > probs[best]) best = j;
            }
            out.add(new Label(m.labels().name(best), m.labels().names(), probs, truncated[i]));
        }
        return out;
    }

    /** A regression model's scores of each example, in order, from one pass of the model. */
    public List<Score> score(List<TextExample> examples) {
        require(ProblemType.REGRESSION);
        boolean[] truncated = new boolean[examples.size()];
        float[] logits = logits(encode(examples, truncated));
        int l = m.labels().size();
        List<Score> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            double[] scores = new double[l];
            for (int j = 0; j < l; j++) scores[j] = logits[i * l + j];
            out.add(new Score(scores, m.labels().names(), truncated[i]));
        }
        return out;
    }

    /** A multi-label model's label set for each example, in order, from one pass of the model. */
    public List<LabelSet> labelSets(List<TextExample> examples) {
        require(ProblemType.MULTI_LABEL);
        boolean[] truncated = new boolean[examples.size()];
        float[] logits = logits(encode(examples, truncated));
        int l = m.labels().size();
        List<LabelSet> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            double[] probs = new double[l];
            List<String> chosen = new ArrayList<>();
            for (int j = 0; j < l; j++) {
                probs[j] = 1 / (1 + Math.exp(-logits[i * l + j]));
                if (probs[j] > 0.5) chosen.add(m.labels().name(j));
            }
            out.add(new LabelSet(chosen, m.labels().names(), probs, truncated[i]));
        }
        return out;
    }

    /** The examples without their labels, one at a time (to learn which were cut: truncated[i]). */
    private List<TaskExample> encode(List<TextExample> examples, boolean[] truncated) {
        require(TaskKind.SEQUENCE);
        List<TaskExample> encoded = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            TextExample e = examples.get(i);
            EncodedSet one = encoder.texts(List.of(new TextExample(e.docId(), e.text(), e.textB(), null)));
            encoded.add(one.examples().getFirst());
            truncated[i] = one.truncated() > 0;
        }
        return encoded;
    }

    /** Words are the text split on whitespace (separate punctuation with spaces to tag it on its own); a blank text has none. */
    public List<WordTag> tag(String text) {
        String words = text.strip();
        return tag(List.of(words.isEmpty() ? List.of() : Arrays.asList(words.split("\\s+")))).getFirst();
    }

    /** The tags of each sentence's words, in order, from one pass of the model. */
    public List<List<WordTag>> tag(List<List<String>> sentences) {
        require(TaskKind.TOKEN);
        List<TaggedSentence> input = new ArrayList<>(sentences.size());
        // The encoder wants a tag per word; any known one will do, since only the predictions are read.
        for (List<String> words : sentences) input.add(new TaggedSentence("input", words, Collections.nCopies(words.size(), m.labels().name(0))));
        List<TaskExample> encoded = encoder.tagged(input).examples();
        float[] p = probabilities(encoded);
        int l = m.labels().size(), t = width(encoded);
        List<List<WordTag>> out = new ArrayList<>(sentences.size());
        for (int s = 0; s < encoded.size(); s++) {
            List<String> words = sentences.get(s);
            int[] wordIds = encoded.get(s).wordIds();
            List<WordTag> tags = new ArrayList<>(words.size());
            for (String w : words) tags.add(new WordTag(w, null, Double.NaN));
            for (int k = 0; k < wordIds.length; k++) {
                if (wordIds[k] < 0) continue;
                int at = (s * t + k) * l, best = 0;
                for (int j = 1; j < l; j++) if (p[at + j] > p[at + best]) best = j;
                tags.set(wordIds[k], new WordTag(words.get(wordIds[k]), m.labels().name(best), p[at + best]));
            }
            out.add(tags);
        }
        return out;
    }

    /** Softmax over the labels: (B, labels) for sequences, (B, T, labels) for tagging with T the longest example. */
    private float[] probabilities(List<TaskExample> examples) {
        return run(examples, true);
    }

    /** The raw outputs, (B, labels). */
    private float[] logits(List<TaskExample> examples) {
        return run(examples, false);
    }

    private float[] run(List<TaskExample> examples, boolean softmax) {
        if (examples.isEmpty()) return new float[0]; // an empty batch: nothing to run (the pooler needs a first token)
        BertTask model = m.model();
        boolean wasTraining = model.isTraining();
        model.train(false); // dropout off
        try (var ng = Autograd.noGrad(); var mem = MemoryScope.open(model.device())) {
            TaskBatch b = TaskBatch.of(examples, m.kind(), padId);
            Tensor logits = model.logits(b.inputIds(), b.typeIds(), b.attentionMask());
            return (softmax ? logits.softmax() : logits).toFloatArray();
        } finally {
            model.train(wasTraining);
        }
    }

    private static int width(List<TaskExample> examples) {
        int t = 0;
        for (TaskExample e : examples) t = Math.max(t, e.ids().length);
        return t;
    }

    private void require(ProblemType problem) {
        if (m.problem() != problem) {
            throw new IllegalArgumentException("this model's outputs are " + m.problem().hfName + ", not " + problem.hfName);
        }
    }

    private void require(TaskKind kind) {
        if (m.kind() != kind) throw new IllegalArgumentException("this is a " + m.kind().architecture + " model, not " + kind.architecture);
    }
}
