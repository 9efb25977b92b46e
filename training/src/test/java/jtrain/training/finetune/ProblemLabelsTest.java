package jtrain.training.finetune;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.training.data.DataException;
import jtrain.training.data.Split;
import jtrain.training.data.TextExample;
import jtrain.training.data.UserData;
import jtrain.transformer.ProblemType;

/** How labels are read for each problem type: numbers for regression, label sets for multi-label. */
class ProblemLabelsTest {
    @TempDir
    Path tmp;

    static TaskData seq(List<TextExample> train) {
        Map<Split, List<TextExample>> m = new EnumMap<>(Split.class);
        m.put(Split.TRAIN, train);
        m.put(Split.DEV, List.of());
        m.put(Split.TEST, List.of());
        return TaskData.ofTexts("seq", m);
    }

    static float[][] targets(List<TextExample> examples, LabelVocab labels, ProblemType problem) {
        return examples.stream().map(e -> TaskEncoder.targets(e, labels, problem)).toArray(float[][]::new);
    }

    @Test
    void multiLabelSetsComeFromJsonListsOrCommaSeparatedFields() throws IOException {
        Path jsonl = Files.writeString(tmp.resolve("a.jsonl"), """
                {"text": "storm at sea", "label": ["weather", "sea"]}
                {"text": "nothing", "label": []}
                """);
        Path tsv = Files.writeString(tmp.resolve("a.tsv"), "sentence\tlabel\nstorm at sea\tweather, sea\n");
        List<TextExample> fromJson = UserData.labelledExamples(jsonl), fromTsv = UserData.labelledExamples(tsv);
        assertEquals(List.of("weather", "sea"), fromJson.get(0).multiLabels());
        assertEquals(List.of(), fromJson.get(1).multiLabels(), "[] is an example with none of the labels");
        assertEquals(List.of("weather", "sea"), fromTsv.get(0).multiLabels(), "blanks around the names are dropped");

        LabelVocab labels = seq(fromJson).labelVocab(ProblemType.MULTI_LABEL);
        assertEquals(List.of("sea", "weather"), labels.names(), "sorted, as single-label vocabularies");
        assertEquals(List.of("LABEL_0"), seq(fromJson).labelVocab(ProblemType.REGRESSION).names());

        DataException single = assertThrows(DataException.class, () -> seq(fromJson).labelVocab());
        assertEquals("a.jsonl:1: \"label\" is a list; fine-tune with --problem multi_label to give an example several labels", single.getMessage());
        Path numbers = Files.writeString(tmp.resolve("n.jsonl"), "{\"text\": \"x\", \"label\": [1, 2]}\n");
        DataException notNames = assertThrows(DataException.class, () -> UserData.labelledExamples(numbers));
        assertTrue(notNames.getMessage().contains("n.jsonl:1: a \"label\" list must hold strings, got [1,2]"), notNames.getMessage());
    }

    @Test
    void regressionTargetsAreTheNumbersAndMultiLabelTargetsAreMultiHot() {
        List<TextExample> scored = List.of(new TextExample("a:1", "x", null, "3.8"), new TextExample("a:2", "y", null, "4"));
        float[][] targets = targets(scored, new LabelVocab(List.of("LABEL_0")), ProblemType.REGRESSION);
        assertArrayEquals(new float[] {3.8f}, targets[0]);
        assertArrayEquals(new float[] {4f}, targets[1]);

        List<TextExample> sets = List.of(new TextExample("b:1", "x", null, null, List.of("sea", "weather")),
                new TextExample("b:2", "y", null, "sea"));
        float[][] hot = targets(sets, new LabelVocab(List.of("land", "sea", "weather")), ProblemType.MULTI_LABEL);
        assertArrayEquals(new float[] {0, 1, 1}, hot[0]);
        assertArrayEquals(new float[] {0, 1, 0}, hot[1]);

        DataException word = assertThrows(DataException.class,
                () -> targets(List.of(new TextExample("c:3", "x", null, "high")), new LabelVocab(List.of("LABEL_0")), ProblemType.REGRESSION));
        assertEquals("c:3: label 'high' is not a number (--problem regression reads a score)", word.getMessage());
        DataException unseen = assertThrows(DataException.class,
                () -> targets(List.of(new TextExample("d:1", "x", null, "sky")), new LabelVocab(List.of("sea")), ProblemType.MULTI_LABEL));
        assertTrue(unseen.getMessage().startsWith("d:1: label 'sky' does not occur in the training data"), unseen.getMessage());
    }
}
