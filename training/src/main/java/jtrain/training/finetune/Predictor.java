package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jtrain.engine.Autograd;
import jtrain.engine.Tensor;
import jtrain.training.data.TaggedSentence;
import jtrain.training.data.TextExample;

/** Predictions of a saved classifier for one input: label probabilities, or one tag per word. */
public final class Predictor {
    private final TaskModels.Loaded m;
    private final TaskEncoder encoder;

    public Predictor(TaskModels.Loaded loaded) {
        this.m = loaded;
        this.encoder = new TaskEncoder(loaded.tokenizer(), loaded.labels(), loaded.model().config.maxPositionEmbeddings());
    }

    /** The most probable label and every label's probability (in label-id order). */
    public record Label(String label, List<String> labels, double[] probabilities, boolean truncated) {}

    /** One word and its tag with the tag's probability; tag null when the word was cut off by the length limit. */
    public record WordTag(String word, String tag, double probability) {}

    public Label classify(String text, String textB) {
        require(TaskKind.SEQUENCE);
        EncodedSet enc = encoder.texts(List.of(new TextExample("input", text, textB, null)));
        float[] p = probabilities(enc.examples().getFirst());
        double[] probs = new double[p.length];
        int best = 0;
        for (int i = 0; i < p.length; i++) {
            probs[i] = p[i];
            if (p[i] > p[best]) best = i;
        }
        return new Label(m.labels().name(best), m.labels().names(), probs, enc.truncated() > 0);
    }

    /** Words are the text split on whitespace (separate punctuation with spaces to tag it on its own). */
    public List<WordTag> tag(String text) {
        require(TaskKind.TOKEN);
        List<String> words = Arrays.asList(text.strip().split("\\s+"));
        // The encoder wants a tag per word; any known one will do, since only the predictions are read.
        List<String> placeholders = java.util.Collections.nCopies(words.size(), m.labels().name(0));
        TaskExample e = encoder.tagged(List.of(new TaggedSentence("input", words, placeholders))).examples().getFirst();
        float[] p = probabilities(e);
        int l = m.labels().size();
        List<WordTag> out = new ArrayList<>();
        for (String w : words) out.add(new WordTag(w, null, Double.NaN));
        for (int t = 0; t < e.wordIds().length; t++) {
            int w = e.wordIds()[t];
            if (w < 0) continue;
            int best = 0;
            for (int j = 1; j < l; j++) if (p[t * l + j] > p[t * l + best]) best = j;
            out.set(w, new WordTag(words.get(w), m.labels().name(best), p[t * l + best]));
        }
        return out;
    }

    private float[] probabilities(TaskExample e) {
        try (var ng = Autograd.noGrad()) {
            int n = e.ids().length;
            Tensor logits = m.model().logits(Tensor.ofInts(e.ids(), 1, n), Tensor.ofInts(e.typeIds(), 1, n), null);
            return logits.softmax().toFloatArray();
        }
    }

    private void require(TaskKind kind) {
        if (m.kind() != kind) throw new IllegalArgumentException("this is a " + m.kind().architecture + " model, not " + kind.architecture);
    }
}
