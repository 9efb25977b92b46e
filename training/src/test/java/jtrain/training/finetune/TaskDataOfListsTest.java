package jtrain.training.finetune;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jtrain.training.data.DataException;
import jtrain.training.data.Split;
import jtrain.training.data.TaggedSentence;
import jtrain.training.data.TextExample;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.Vocab;

/** Task data built from an application's own lists (TaskData.ofTexts / ofTagged), with only the splits it has, and fine-tuned. */
class TaskDataOfListsTest {
    static final BertTokenizer TOKENIZER = new BertTokenizer(new Vocab(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "whale", "ship")));

    @Test
    void aSplitLeftOutHasNoExamples() {
        TaskData data = TaskData.ofTexts("t", Map.of(Split.TRAIN, List.of(
                new TextExample("a", "the whale", null, "sea"), new TextExample("b", "the ship", null, "land"))));
        assertEquals(2, data.size(Split.TRAIN));
        assertEquals(0, data.size(Split.DEV));
        TaskEncoder encoder = new TaskEncoder(TOKENIZER, data.labelVocab(), 8);
        assertEquals(List.of(), data.encode(encoder, Split.TEST).examples());

        TaskData tagged = TaskData.ofTagged("t", Map.of(Split.TRAIN, List.of(new TaggedSentence("s", List.of("the", "whale"), List.of("D", "N")))));
        assertEquals(0, tagged.size(Split.TEST));
    }

    @Test
    void withoutTrainingExamplesTheLabelsAreMissingByName() {
        TaskData data = TaskData.ofTexts("mine", Map.of(Split.DEV, List.of(new TextExample("a", "the whale", null, "sea"))));
        var e = assertThrows(DataException.class, data::labelVocab);
        assertEquals("mine training data: need at least 2 different labels, found []", e.getMessage());
    }

    @Test
    void fineTuningWithoutDevExamplesSaysSo() {
        TaskData data = TaskData.ofTexts("t", Map.of(Split.TRAIN, List.of(
                new TextExample("a", "the whale", null, "sea"), new TextExample("b", "the ship", null, "land"))));
        LabelVocab labels = data.labelVocab();
        var model = TaskModels.fromScratch(TaskKind.SEQUENCE, jtrain.transformer.BertConfig.of(TOKENIZER.vocab().size(), 1, 8, 2, 5), labels, null, 1);
        FineTuner tuner = new FineTuner(model, TaskKind.SEQUENCE, labels, 0, new FineTuneOptions());
        var train = data.encode(new TaskEncoder(TOKENIZER, labels, 8), Split.TRAIN).examples();
        for (List<TaskExample> dev : java.util.Arrays.asList(List.<TaskExample>of(), null)) {
            var e = assertThrows(IllegalArgumentException.class, () -> tuner.train(train, dev, null, null));
            assertEquals("no dev examples (needed for evaluation and early stopping)", e.getMessage());
        }
    }
}
