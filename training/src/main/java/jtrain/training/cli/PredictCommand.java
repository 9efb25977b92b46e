package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jtrain.engine.io.Json;
import jtrain.training.finetune.Predictor;
import jtrain.training.finetune.TaskKind;
import jtrain.training.finetune.TaskModels;

/** {@code ./trainer predict}: the label of a text (with every label's probability), or the tag of each word. */
public final class PredictCommand {
    static final String USAGE = """
            usage: ./trainer predict --model DIR [--pair TEXT_B] [--json] TEXT
              Sequence classifiers print the label and the probability of each label; token classifiers print
              one tag per word (words are separated by spaces).""";

    private PredictCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            ArgList a = new ArgList(args, Set.of("--model", "--pair"), Set.of("--json"));
            if (a.help()) {
                out.println(USAGE);
                return 0;
            }
            Path dir = Path.of(a.required("--model"));
            String text = a.text();
            if (text.isBlank()) throw new IllegalArgumentException("TEXT is empty");
            TaskModels.Loaded m = TaskModels.load(dir);
            Predictor p = new Predictor(m);
            if (m.kind() == TaskKind.SEQUENCE) printLabel(p.classify(text, a.string("--pair", null)), a.has("--json"), out);
            else printTags(p.tag(text), a.has("--json"), out);
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            Main.printError(err, "trainer predict: " + e.getMessage(), e);
        } catch (IOException e) {
            Main.printError(err, "trainer predict: " + e.getMessage(), e);
        }
        return 2;
    }

    private static void printLabel(Predictor.Label l, boolean json, PrintStream out) {
        if (json) {
            Map<String, Object> probs = new LinkedHashMap<>();
            for (int i = 0; i < l.labels().size(); i++) probs.put(l.labels().get(i), l.probabilities()[i]);
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("label", l.label());
            j.put("probabilities", probs);
            j.put("truncated", l.truncated());
            out.println(Json.write(j));
            return;
        }
        out.println(l.label());
        for (int i = 0; i < l.labels().size(); i++) out.printf("  %-20s %.4f%n", l.labels().get(i), l.probabilities()[i]);
        if (l.truncated()) out.println("(the text was truncated to the model's maximum length)");
    }

    private static void printTags(List<Predictor.WordTag> tags, boolean json, PrintStream out) {
        if (json) {
            List<Object> words = new ArrayList<>();
            for (Predictor.WordTag t : tags) {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("word", t.word());
                w.put("tag", t.tag());
                w.put("probability", Double.isNaN(t.probability()) ? null : t.probability());
                words.add(w);
            }
            out.println(Json.write(Map.of("words", words)));
            return;
        }
        for (Predictor.WordTag t : tags)
            out.printf("%-20s %s%n", t.word(), t.tag() == null ? "(cut off)" : String.format("%-8s %.4f", t.tag(), t.probability()));
    }
}
