package jtrain.training.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How regression targets are read (--problem regression, {@link LabelField#SCORE}): one number per model output.
 * JSONL gives them under "label" or "score" (GLUE STS-B's name) as a number, a list of numbers, or a string read as a
 * .tsv field is; a .tsv/.csv field holds one number or several separated by commas, as a multi-label field lists its
 * labels. Anything else is an error naming the file, the line and the key or column.
 */
class RegressionDataTest {
    @TempDir
    Path dir;

    Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    static List<TextExample> scored(Path file) {
        return UserData.labelledExamples(file, LabelField.SCORE);
    }

    static void assertRefused(Path file, String message) {
        DataException e = assertThrows(DataException.class, () -> scored(file));
        assertEquals(file + message, e.getMessage());
    }

    @Test
    void numbersAreDecimalsOneOrSeveralSeparatedByCommas() {
        assertArrayEquals(new float[] {3.8f}, Scores.parse("3.8"));
        assertArrayEquals(new float[] {-1f, 0.25f, 2e-3f, 5f}, Scores.parse(" -1, .25 ,2e-3,+5"), "blanks around each number are dropped");
        assertArrayEquals(new float[] {1e-5f}, Scores.parse("1.0E-5"), "as Java writes a JSON number back");
        for (String bad : List.of("", "high", "1,,2", "1,2,", "NaN", "Infinity", "0x1p3", "1f", "3,8.5.1", "1e39"))
            assertNull(Scores.parse(bad), "refused: '" + bad + "'");
        assertNull(Scores.parse(List.of()), "at least one number");
    }

    @Test
    void jsonlTakesTheTargetAsLabelOrScoreANumberAListOrANumericString() throws IOException {
        Path f = write("sts.jsonl", """
                {"text": "a plane takes off", "text_b": "an air plane is taking off", "score": 5.0}
                {"text": "a man plays a flute", "label": 3.8}
                {"text": "a cat", "score": "1.5"}
                {"text": "calm sea", "score": [0.5, -2, "3"]}
                {"text": "rough sea", "label": "0.5, -2, 3"}
                """);
        List<TextExample> ex = scored(f);
        assertEquals("an air plane is taking off", ex.get(0).textB());
        assertArrayEquals(new float[] {5f}, ex.get(0).scores(), "\"score\" as in GLUE STS-B");
        assertArrayEquals(new float[] {3.8f}, ex.get(1).scores());
        assertArrayEquals(new float[] {1.5f}, ex.get(2).scores(), "a numeric string, as a .tsv field holds it");
        assertArrayEquals(new float[] {0.5f, -2f, 3f}, ex.get(3).scores(), "a list: one number per model output");
        assertEquals(List.of("0.5", "-2", "3"), ex.get(3).labelList(), "kept as written");
        assertArrayEquals(ex.get(3).scores(), ex.get(4).scores(), "a string is read as a .tsv field is");
    }

    @Test
    void jsonlRefusesBothKeysAMissingTargetAndValuesThatAreNotNumbers() throws IOException {
        assertRefused(write("both.jsonl", "{\"text\": \"x\", \"label\": 1}\n{\"text\": \"y\", \"label\": 1, \"score\": 2}\n"),
                ":2: both \"label\" and \"score\": give a regression target under one of them");
        assertRefused(write("none.jsonl", "{\"text\": \"x\"}\n"), ":1: missing \"label\" (or \"score\")");
        assertRefused(write("word.jsonl", "{\"text\": \"x\", \"score\": \"high\"}\n"),
                ":1: \"score\" must be a number or a list of numbers (--problem regression), got \"high\"");
        assertRefused(write("list.jsonl", "{\"text\": \"x\", \"label\": [1, \"two\"]}\n"),
                ":1: \"label\" must be a number or a list of numbers (--problem regression), got [1,\"two\"]");
        assertRefused(write("empty.jsonl", "{\"text\": \"x\", \"score\": []}\n"),
                ":1: \"score\" must be a number or a list of numbers (--problem regression), got []");
        assertRefused(write("bool.jsonl", "{\"text\": \"x\", \"score\": true}\n"),
                ":1: \"score\" must be a number or a list of numbers (--problem regression), got true");
        assertRefused(write("nan.jsonl", "{\"text\": \"x\", \"score\": NaN}\n"),
                ":1: \"score\" must be a number or a list of numbers (--problem regression), got NaN");
    }

    @Test
    void tsvAndCsvFieldsHoldOneNumberOrSeveralSeparatedByCommas() throws IOException {
        Path tsv = write("two.tsv", "sentence\tscore\ncalm sea\t0.5,-2\nrough sea\t 1 , 4.25\n");
        List<TextExample> rows = scored(tsv);
        assertArrayEquals(new float[] {0.5f, -2f}, rows.get(0).scores());
        assertArrayEquals(new float[] {1f, 4.25f}, rows.get(1).scores());
        Path csv = write("two.csv", "text,label\n\"calm, sea\",\"0.5,-2\"\n");
        assertArrayEquals(new float[] {0.5f, -2f}, scored(csv).getFirst().scores(), "quoted in a .csv, as multi-label fields");
        assertRefused(write("word.tsv", "sentence\tscore\ncalm sea\t1\nrough sea\thigh\n"),
                ":3: \"score\" must be a number, or numbers separated by commas (--problem regression), got 'high'");
        assertRefused(write("both.tsv", "sentence\tlabel\tscore\ncalm sea\t1\t2\n"),
                ":1: header has both a \"label\" and a \"score\" column: give the regression target in one of them (as in JSONL)");
        assertRefused(write("comma.csv", "text,label\ncalm,\"1,,2\"\n"),
                ":2: \"label\" must be a number, or numbers separated by commas (--problem regression), got '1,,2'");
    }

    @Test
    void unlabelledReadingAcceptsARegressionFileAsItIsForPredictInput() throws IOException {
        Path f = write("dev.jsonl", "{\"text\": \"calm sea\", \"label\": [0.5, -2]}\n");
        assertEquals(List.of("0.5", "-2"), UserData.examples(f).getFirst().labelList(), "labels are read, not used");
        DataException single = assertThrows(DataException.class, () -> UserData.labelledExamples(f));
        assertEquals(f + ":1: a \"label\" list must hold strings, got [0.5,-2] (a list of numbers is a regression target: --problem regression)",
                single.getMessage());
    }

    @Test
    void theLinesOfTheExamplesComeWithThem() throws IOException {
        Path f = write("lines.jsonl", "{\"text\": \"a\", \"score\": 1}\n\n{\"text\": \"b\", \"score\": [1, 2]}\n");
        List<Numbered<TextExample>> ex = UserData.labelledNumbered(f, LabelField.SCORE);
        assertEquals(List.of(1, 3), ex.stream().map(Numbered::line).toList(), "blank lines count");
    }
}
