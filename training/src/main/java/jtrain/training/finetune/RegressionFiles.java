package jtrain.training.finetune;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jtrain.training.data.DataException;
import jtrain.training.data.LabelField;
import jtrain.training.data.Numbered;
import jtrain.training.data.Scores;
import jtrain.training.data.Split;
import jtrain.training.data.TextExample;
import jtrain.training.data.UserData;

/**
 * The user files of a regression task. A model with K outputs is trained on K numbers per example (HF's regression
 * with num_labels = K: MSE over all of them), so every example of train, dev and test must give the same count: the
 * first training example's, or when a saved model is scored, its number of outputs. Another count is an error naming
 * the file, the line and both counts.
 */
final class RegressionFiles {
    private RegressionFiles() {}

    /** outputs: the model's outputs, or 0 to take the count of the first training example. */
    static Map<Split, List<TextExample>> read(TaskData.Files files, int outputs) {
        Map<Split, List<Numbered<TextExample>>> numbered = TaskData.userSplits(files, f -> UserData.labelledNumbered(f, LabelField.SCORE));
        int k = outputs;
        String expected = "the model has " + outputs + " outputs";
        String firstLabel = null; // the field the count came from, when it came from one
        Map<Split, List<TextExample>> out = new EnumMap<>(Split.class);
        for (Split split : List.of(Split.TRAIN, Split.DEV, Split.TEST)) {
            Path file = switch (split) {
                case TRAIN -> files.train();
                case DEV -> files.dev();
                case TEST -> files.test();
            };
            for (Numbered<TextExample> e : numbered.get(split)) {
                int n = e.value().scores().length;
                if (k == 0) {
                    k = n;
                    firstLabel = e.value().label();
                    expected = file + ":" + e.line() + (split == Split.TRAIN ? ", the first training example," : ", the first example,") + " has " + n;
                } else if (n != k) {
                    String label = e.value().label();
                    String comma = Scores.looksLikeDecimalComma(label) || Scores.looksLikeDecimalComma(firstLabel)
                            ? "; a field like '" + (Scores.looksLikeDecimalComma(label) ? label : firstLabel).strip() + "' is two numbers: write a decimal comma as '.'" : "";
                    throw new DataException(file + ":" + e.line() + ": " + count(n) + ", but " + expected
                            + " (every example of train, dev and test needs one number per model output" + comma + ")");
                }
            }
            out.put(split, numbered.get(split).stream().map(Numbered::value).toList());
        }
        return out;
    }

    /** "1 score", "2 scores". */
    static String count(int n) {
        return n + (n == 1 ? " score" : " scores");
    }
}
