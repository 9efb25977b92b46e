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
import jtrain.training.data.LabelField;
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

        DataException single = assertThrows(DataException.class, () -> seq(fromJson).labelVocab());
        assertEquals("a.jsonl:1: \"label\" is a list; fine-tune with --problem multi_label to give an example several labels", single.getMessage());
        Path numbers = Files.writeString(tmp.resolve("n.jsonl"), "{\"text\": \"x\", \"label\": [1, 2]}\n");
        DataException notNames = assertThrows(DataException.class, () -> UserData.labelledExamples(numbers));
        assertTrue(notNames.getMessage().contains("n.jsonl:1: a \"label\" list must hold strings, got [1,2]"), notNames.getMessage());
    }

    @Test
    void regressionTargetsAreTheNumbersAndMultiLabelTargetsAreMultiHot() {
        List<TextExample> scored = List.of(new TextExample("a:1", "x", null, "3.8"), new TextExample("a:2", "y", null, "4"));
        assertEquals(List.of("LABEL_0"), seq(scored).labelVocab(ProblemType.REGRESSION).names(), "one number: one output, named as HF names it");
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
        assertEquals("c:3: label 'high' is not a number (--problem regression reads a score, or several separated by commas)", word.getMessage());
        DataException unseen = assertThrows(DataException.class,
                () -> targets(List.of(new TextExample("d:1", "x", null, "sky")), new LabelVocab(List.of("sea")), ProblemType.MULTI_LABEL));
        assertTrue(unseen.getMessage().startsWith("d:1: label 'sky' does not occur in the training data"), unseen.getMessage());
    }

    @Test
    void anEmptyLabelFieldIsAMultiLabelExampleWithNoLabelsAndAnErrorOtherwise() throws IOException {
        Path tsv = Files.writeString(tmp.resolve("e.tsv"), "sentence\tlabel\nstorm at sea\tweather,sea\na calm day\t\n");
        List<TextExample> sets = UserData.labelledExamples(tsv, LabelField.SET);
        assertEquals(List.of("weather", "sea"), sets.get(0).multiLabels());
        assertEquals(List.of(), sets.get(1).multiLabels(), "an empty field: none of the labels");
        assertEquals(List.of("sea", "weather"), seq(sets).labelVocab(ProblemType.MULTI_LABEL).names());
        assertArrayEquals(new float[] {0, 0}, TaskEncoder.targets(sets.get(1), new LabelVocab(List.of("sea", "weather")), ProblemType.MULTI_LABEL));

        Path csv = Files.writeString(tmp.resolve("e.csv"), "text,label\n\"storm, at sea\",\"weather,sea\"\ncalm,\n");
        assertEquals(List.of(), UserData.labelledExamples(csv, LabelField.SET).get(1).multiLabels(), "the same in a .csv");

        DataException empty = assertThrows(DataException.class, () -> UserData.labelledExamples(tsv, LabelField.ONE));
        assertEquals(tsv + ":3: empty label", empty.getMessage(), "a single-label row needs its label");
        Path scores = Files.writeString(tmp.resolve("s.tsv"), "sentence\tlabel\nstorm at sea\t4.5\na calm day\t\n");
        DataException noScore = assertThrows(DataException.class, () -> UserData.labelledExamples(scores, LabelField.SCORE));
        assertEquals(scores + ":3: empty label", noScore.getMessage(), "a regression row needs its numbers");
    }

    @Test
    void aRegressionTsvMayNameItsLabelColumnScoreAsGlueStsBDoes() throws IOException {
        Path stsb = Files.writeString(tmp.resolve("sts-b.tsv"), """
                index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore
                0\tmain-captions\tMSRvid\t2012test\t0001\tnone\tnone\tA plane is taking off.\tAn air plane is taking off.\t5.000
                """);
        TextExample pair = UserData.labelledExamples(stsb, LabelField.SCORE).getFirst();
        assertEquals("A plane is taking off.", pair.text());
        assertEquals("An air plane is taking off.", pair.textB());
        assertEquals("5.000", pair.label());
        assertArrayEquals(new float[] {5f}, TaskEncoder.targets(pair, new LabelVocab(List.of("LABEL_0")), ProblemType.REGRESSION));

        Path both = Files.writeString(tmp.resolve("both.tsv"), "sentence\tscore\tlabel\nx\t1\t2\n");
        DataException ambiguous = assertThrows(DataException.class, () -> UserData.labelledExamples(both, LabelField.SCORE));
        assertEquals(both + ":1: header has both a \"label\" and a \"score\" column: give the regression target in one of them (as in JSONL)",
                ambiguous.getMessage(), "neither column wins: which one holds the target is the user's to say");
        assertEquals("2", UserData.labelledExamples(both, LabelField.ONE).getFirst().label(), "a classifier reads label and ignores score");

        DataException single = assertThrows(DataException.class, () -> UserData.labelledExamples(stsb, LabelField.ONE));
        assertTrue(single.getMessage().startsWith(stsb + ":1: header needs a label column (label), has [index,"), single.getMessage());
        Path none = Files.writeString(tmp.resolve("none.tsv"), "sentence\trating\nx\t1\n");
        DataException neither = assertThrows(DataException.class, () -> UserData.labelledExamples(none, LabelField.SCORE));
        assertEquals(none + ":1: header needs a label column (label or score), has [sentence, rating]", neither.getMessage());
    }
}
