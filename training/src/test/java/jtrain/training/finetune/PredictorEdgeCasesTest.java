package jtrain.training.finetune;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.training.data.TextExample;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.Vocab;
import jtrain.transformer.BertConfig;
import jtrain.transformer.ProblemType;

/** Predictor on the inputs an embedding application may hand it: empty batches, blank texts, a length beyond the model. */
class PredictorEdgeCasesTest {
    static final BertTokenizer TOKENIZER = new BertTokenizer(new Vocab(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "whale", "ship")));
    static final LabelVocab LABELS = new LabelVocab(List.of("land", "sea"));

    /** A small random model of the kind, with 16 positions. */
    static Predictor predictor(TaskKind kind, ProblemType problem) {
        BertConfig config = BertConfig.of(TOKENIZER.vocab().size(), 1, 8, 2, 5).withMaxPositions(16);
        return new Predictor(new TaskModels.Loaded(kind, TaskModels.fromScratch(kind, config, LABELS, problem, null, 1), TOKENIZER, LABELS));
    }

    @Test
    void anEmptyBatchGivesNoResults() {
        assertEquals(List.of(), predictor(TaskKind.SEQUENCE, null).classify(List.of()));
        assertEquals(List.of(), predictor(TaskKind.SEQUENCE, ProblemType.REGRESSION).score(List.of()));
        assertEquals(List.of(), predictor(TaskKind.SEQUENCE, ProblemType.MULTI_LABEL).labelSets(List.of()));
        assertEquals(List.of(), predictor(TaskKind.TOKEN, null).tag(List.of()));
        // and a batch of one still runs
        Predictor.Label one = predictor(TaskKind.SEQUENCE, null).classify(List.of(new TextExample("x", "the whale", null, null))).getFirst();
        assertEquals(LABELS.names(), one.labels());
    }

    @Test
    void aBlankTextHasNoWordsToTag() {
        Predictor tagger = predictor(TaskKind.TOKEN, null);
        assertEquals(List.of(), tagger.tag(""));
        assertEquals(List.of(), tagger.tag("  \t "));
        assertEquals(List.of("the", "whale"), tagger.tag(" the  whale ").stream().map(Predictor.WordTag::word).toList());
    }

    @Test
    void aMaximumLengthBeyondTheModelsPositionsIsRefusedUpFront() {
        BertConfig config = BertConfig.of(TOKENIZER.vocab().size(), 1, 8, 2, 5).withMaxPositions(16);
        var loaded = new TaskModels.Loaded(TaskKind.SEQUENCE, TaskModels.fromScratch(TaskKind.SEQUENCE, config, LABELS, null, 1), TOKENIZER, LABELS);
        var e = assertThrows(IllegalArgumentException.class, () -> new Predictor(loaded, 17));
        assertEquals("max length 17 exceeds the model's 16 positions (max_position_embeddings)", e.getMessage());
        // At the limit, a long text is cut to it.
        assertTrue(new Predictor(loaded, 16).classify("the whale ".repeat(20), null).truncated());
    }
}
