package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jtrain.training.data.DataException;
import jtrain.training.data.TaggedSentence;
import jtrain.training.data.TextExample;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.EncodeOptions;
import jtrain.training.tokenizer.Encoding;
import jtrain.transformer.BertTask;
import jtrain.transformer.ProblemType;

/**
 * Turns texts and tagged sentences into ids and label ids (or, for regression and multi-label sequence problems,
 * float targets), truncating to maxLength and counting what was cut.
 */
public final class TaskEncoder {
    private final BertTokenizer tok;
    private final LabelVocab labels;
    private final int maxLength;
    private final ProblemType problem;
    private final int clsId, sepId, unkId;

    /** Single-label classes. */
    public TaskEncoder(BertTokenizer tok, LabelVocab labels, int maxLength) {
        this(tok, labels, maxLength, ProblemType.SINGLE_LABEL);
    }

    /** problem: how texts' labels are read (tagging is always single-label). */
    public TaskEncoder(BertTokenizer tok, LabelVocab labels, int maxLength, ProblemType problem) {
        if (maxLength < 3) throw new IllegalArgumentException("max length must be at least 3, got " + maxLength);
        this.tok = tok;
        this.labels = labels;
        this.maxLength = maxLength;
        this.problem = problem;
        clsId = tok.vocab().id(tok.specialTokens().cls());
        sepId = tok.vocab().id(tok.specialTokens().sep());
        unkId = tok.vocab().id(tok.specialTokens().unk());
    }

    public LabelVocab labels() {
        return labels;
    }

    /** [CLS] text [SEP] (or a pair); a null label (predict time) is encoded as -100 (and no targets). */
    public EncodedSet texts(List<TextExample> examples) {
        List<TaskExample> out = new ArrayList<>(examples.size());
        int truncated = 0;
        for (TextExample e : examples) {
            Encoding full = tok.encode(e.text(), e.textB(), EncodeOptions.DEFAULT);
            Encoding enc = full;
            if (full.length() > maxLength) { // re-encode only the long ones, so counting costs nothing for the rest
                truncated++;
                enc = tok.encode(e.text(), e.textB(), EncodeOptions.DEFAULT.truncateTo(maxLength));
            }
            if (problem == ProblemType.SINGLE_LABEL && e.labelList() != null) {
                throw new DataException(e.docId() + ": \"label\" is a list, but the model has one label per example (single-label)");
            }
            if (problem == ProblemType.SINGLE_LABEL || !e.hasLabel()) {
                int label = e.label() == null ? BertTask.IGNORE_INDEX : labels.id(e.label(), e.docId());
                out.add(new TaskExample(enc.ids(), enc.typeIds(), new int[] {label}, null));
            } else {
                out.add(new TaskExample(enc.ids(), enc.typeIds(), new int[] {BertTask.IGNORE_INDEX}, null, targets(e, labels, problem)));
            }
        }
        return new EncodedSet(out, truncated, 0);
    }

    /**
     * [CLS] pieces of word 1, pieces of word 2, ... [SEP]. Each word is tokenised on its own, so every sub-token
     * knows its word; the tag goes on the word's first sub-token. A word the tokenizer reduces to nothing (e.g. only
     * control characters) becomes [UNK] so that it still gets a prediction. Null tags (predict time) become -100.
     */
    public EncodedSet tagged(List<TaggedSentence> sentences) {
        List<TaskExample> out = new ArrayList<>(sentences.size());
        int truncated = 0, lostWords = 0;
        for (TaggedSentence s : sentences) {
            List<Integer> ids = new ArrayList<>(), labelIds = new ArrayList<>(), wordIds = new ArrayList<>();
            ids.add(clsId);
            labelIds.add(BertTask.IGNORE_INDEX);
            wordIds.add(-1);
            int room = maxLength - 1; // keeps one place for [SEP]
            boolean cut = false;
            for (int w = 0; w < s.tokens().size(); w++) {
                List<Integer> pieces = tok.textIds(s.tokens().get(w));
                if (pieces.isEmpty()) pieces = List.of(unkId);
                if (ids.size() + pieces.size() > room) { // the whole word does not fit: drop it and the rest
                    cut = true;
                    lostWords += s.tokens().size() - w;
                    break;
                }
                String tag = s.tags().get(w);
                // The sentence's id names its first line; the word says which of its lines holds the tag.
                int label = tag == null ? BertTask.IGNORE_INDEX
                        : labels.id(tag, s.docId() + " (the sentence starting there, word " + (w + 1) + ", '" + s.tokens().get(w) + "')");
                for (int p = 0; p < pieces.size(); p++) {
                    ids.add(pieces.get(p));
                    labelIds.add(p == 0 ? label : BertTask.IGNORE_INDEX);
                    wordIds.add(p == 0 ? w : -1);
                }
            }
            if (cut) truncated++;
            ids.add(sepId);
            labelIds.add(BertTask.IGNORE_INDEX);
            wordIds.add(-1);
            out.add(new TaskExample(toArray(ids), new int[ids.size()], toArray(labelIds), toArray(wordIds)));
        }
        return new EncodedSet(out, truncated, lostWords);
    }

    /**
     * A regression example's numbers (one per output), or a multi-label example's 0/1 per label; bad labels, and a
     * regression example with another count of numbers than the model has outputs, name the example.
     */
    static float[] targets(TextExample e, LabelVocab labels, ProblemType problem) {
        if (problem == ProblemType.REGRESSION) {
            float[] scores = e.scores();
            if (scores.length != labels.size()) {
                throw new DataException(e.docId() + ": " + RegressionFiles.count(scores.length) + ", but the model has "
                        + labels.size() + (labels.size() == 1 ? " output" : " outputs"));
            }
            return scores;
        }
        float[] multiHot = new float[labels.size()];
        for (String name : e.multiLabels()) multiHot[labels.id(name, e.docId())] = 1;
        return multiHot;
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** For error messages and tests. */
    static String describe(TaskExample e) {
        return Arrays.toString(e.ids()) + " labels " + Arrays.toString(e.labels());
    }
}
