package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jtrain.cuda.Devices;
import jtrain.engine.Device;
import jtrain.engine.io.Json;
import jtrain.training.data.DataException;
import jtrain.training.data.TextExample;
import jtrain.training.finetune.Predictor;
import jtrain.training.finetune.TaskKind;
import jtrain.training.finetune.TaskModels;

/** {@code ./trainer predict}: the label of a text (with every label's probability), or the tag of each word; or of a whole file. */
public final class PredictCommand {
    static final String USAGE = """
            usage: ./trainer predict --model DIR [--pair TEXT_B] [--json] TEXT
                   ./trainer predict --model DIR --input FILE [--out FILE] [--batch 32]
              either form also takes [--max-len N] [--device auto|cpu|cuda] [--precision fp32|tf32|bf16]
              Sequence classifiers print the label and the probability of each label; token classifiers print
              one tag per word (words are separated by spaces). A regression model (one output, or problem_type
              "regression" in its config.json: cross-encoder rerankers, STS-B) prints its score, the raw output,
              as HF's pipeline gives it with function_to_apply="none" (no sigmoid); with several outputs, each
              output's name and score (--json: "scores", a list in output order); a multi-label
              model (problem_type "multi_label_classification") prints the labels whose sigmoid probability is
              above 0.5, then every label's probability (* marks those chosen).
              --input FILE predicts every record of a file, --batch records at a time, and writes JSON Lines in the
              file's order: one object per record, its "line" in FILE and what --json prints for one TEXT. To stdout,
              or to --out FILE (written whole or not at all). Sequence classifiers read .jsonl ("text", optional
              "text_b"), .tsv/.csv (a sentence, text or sentence1 column, optional sentence2 or text_b) or one text
              per line; token classifiers read .conll (a token per line, tag column optional) or one sentence of
              space-separated words per line. Blank lines are skipped; labels and tags in the file are not used.
              --max-len: tokens kept per text, default the model's maximum positions (longer texts are cut).""";

    private static final Set<String> VALUED = Set.of("--model", "--pair", "--input", "--out", "--batch", "--max-len", "--device", "--precision");
    private static final Set<String> SWITCHES = Set.of("--json");

    private PredictCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            ArgList a = new ArgList(args, VALUED, SWITCHES);
            if (a.help()) {
                out.println(USAGE);
                return 0;
            }
            Path dir = Path.of(a.required("--model"));
            boolean file = a.has("--input");
            String text = file ? null : a.text();
            checkModeOptions(a, file);
            Path outFile = a.has("--out") ? Path.of(a.string("--out", null)) : null;
            if (outFile != null) requireWritableFile(outFile); // before the model runs over the whole file
            int batch = a.integer("--batch", 32);
            if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
            Device device = Devices.select(a.string("--device", "auto")); // before any loading: a bad device fails at once
            Devices.setPrecision(device, a.string("--precision", "fp32"), err);
            TaskModels.Loaded m = TaskModels.load(dir, err);
            if (a.has("--pair") && m.kind() != TaskKind.SEQUENCE)
                throw new IllegalArgumentException("--pair is for sequence classifiers; " + dir + " is a token classifier, which tags the words of one TEXT");
            int maxLen = maxLength(a, m);
            Predictor p = new Predictor(m, maxLen);
            m.model().to(device);
            if (file) {
                PredictFile.run(p, m.kind(), Path.of(a.string("--input", null)), outFile, batch, out, err);
            } else if (m.kind() == TaskKind.SEQUENCE) {
                TextExample input = new TextExample("input", text, a.string("--pair", null), null);
                switch (p.problem()) {
                    case SINGLE_LABEL -> printLabel(p.classify(List.of(input)).getFirst(), maxLen, a.has("--json"), out);
                    case REGRESSION -> printScore(p.score(List.of(input)).getFirst(), maxLen, a.has("--json"), out);
                    case MULTI_LABEL -> printLabelSet(p.labelSets(List.of(input)).getFirst(), maxLen, a.has("--json"), out);
                }
            } else {
                printTags(p.tag(text), a.has("--json"), out);
            }
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | DataException | UncheckedIOException e) {
            Main.printError(err, "trainer predict: " + e.getMessage(), e);
        } catch (IOException e) {
            Main.printError(err, "trainer predict: " + e.getMessage(), e);
        }
        return 2;
    }

    /** One TEXT, or --input FILE with the options that only a file has. */
    private static void checkModeOptions(ArgList a, boolean file) {
        if (file) {
            if (!a.positional().isEmpty())
                throw new IllegalArgumentException("give either TEXT or --input FILE, not both (got '" + a.positional().getFirst() + "')");
            if (a.has("--pair"))
                throw new IllegalArgumentException("--pair goes with one TEXT; in a file, the second text is \"text_b\" (.jsonl) or a sentence2 column (.tsv/.csv)");
        } else {
            if (a.text().isBlank()) throw new IllegalArgumentException("TEXT is empty");
            for (String o : List.of("--out", "--batch"))
                if (a.has(o)) throw new IllegalArgumentException(o + " goes with --input FILE");
        }
    }

    /** --out FILE: a file in an existing folder (a mistake here is found before the model runs, not after). */
    private static void requireWritableFile(Path outFile) {
        if (Files.isDirectory(outFile)) throw new IllegalArgumentException("--out " + outFile + " is a folder; give a file name");
        Path parent = outFile.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) throw new IllegalArgumentException("--out " + outFile + ": the folder " + parent + " does not exist");
    }

    /** --max-len, or the model's maximum positions (what a text is cut to without it). */
    private static int maxLength(ArgList a, TaskModels.Loaded m) {
        int positions = m.model().config.maxPositionEmbeddings();
        int maxLen = a.integer("--max-len", positions);
        if (maxLen > positions) throw new IllegalArgumentException("--max-len " + maxLen + " exceeds the model's " + positions + " positions");
        if (maxLen < 3) throw new IllegalArgumentException("--max-len must be at least 3 ([CLS], a token, [SEP]), got " + maxLen);
        return maxLen;
    }

    /** What --json prints for a sequence classifier: the label, each label's probability, whether the text was cut. */
    static Map<String, Object> labelJson(Predictor.Label l) {
        Map<String, Object> probs = new LinkedHashMap<>();
        for (int i = 0; i < l.labels().size(); i++) probs.put(l.labels().get(i), l.probabilities()[i]);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("label", l.label());
        j.put("probabilities", probs);
        j.put("truncated", l.truncated());
        return j;
    }

    /** What --json prints for each text, by how the model's outputs are read. */
    static List<Map<String, Object>> sequenceJson(Predictor p, List<TextExample> texts) {
        return switch (p.problem()) {
            case SINGLE_LABEL -> p.classify(texts).stream().map(PredictCommand::labelJson).toList();
            case REGRESSION -> p.score(texts).stream().map(PredictCommand::scoreJson).toList();
            case MULTI_LABEL -> p.labelSets(texts).stream().map(PredictCommand::labelSetJson).toList();
        };
    }

    /**
     * What --json prints for a regression model: the score (the raw output), or with several outputs the list of their
     * scores in output order (as a training file lists them), and whether the text was cut.
     */
    static Map<String, Object> scoreJson(Predictor.Score s) {
        Map<String, Object> j = new LinkedHashMap<>();
        if (s.scores().length == 1) j.put("score", s.score());
        else j.put("scores", Arrays.stream(s.scores()).boxed().toList());
        j.put("truncated", s.truncated());
        return j;
    }

    /** What --json prints for a multi-label model: the labels above 0.5, each label's probability, whether the text was cut. */
    static Map<String, Object> labelSetJson(Predictor.LabelSet l) {
        Map<String, Object> probs = new LinkedHashMap<>();
        for (int i = 0; i < l.labels().size(); i++) probs.put(l.labels().get(i), l.probabilities()[i]);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("labels", l.chosen());
        j.put("probabilities", probs);
        j.put("truncated", l.truncated());
        return j;
    }

    /**
     * What --json prints for a token classifier: each word with its tag and the tag's probability (both null for a
     * word cut off), and whether the sentence was cut (as for the other models).
     */
    static Map<String, Object> tagsJson(List<Predictor.WordTag> tags) {
        List<Object> words = new ArrayList<>();
        boolean truncated = false;
        for (Predictor.WordTag t : tags) {
            truncated |= t.tag() == null;
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("word", t.word());
            w.put("tag", t.tag());
            w.put("probability", Double.isNaN(t.probability()) ? null : t.probability());
            words.add(w);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("words", words);
        j.put("truncated", truncated);
        return j;
    }

    private static void printLabel(Predictor.Label l, int maxLen, boolean json, PrintStream out) {
        if (json) {
            out.println(Json.write(labelJson(l)));
            return;
        }
        out.println(l.label());
        for (int i = 0; i < l.labels().size(); i++) out.printf("  %-20s %.4f%n", l.labels().get(i), l.probabilities()[i]);
        if (l.truncated()) out.println("(the text was cut to " + maxLen + " tokens)");
    }

    private static void printScore(Predictor.Score s, int maxLen, boolean json, PrintStream out) {
        if (json) {
            out.println(Json.write(scoreJson(s)));
            return;
        }
        if (s.scores().length == 1) out.printf("%.6f%n", s.score());
        else for (int i = 0; i < s.scores().length; i++) out.printf("%-20s %.6f%n", s.outputs().get(i), s.scores()[i]);
        if (s.truncated()) out.println("(the text was cut to " + maxLen + " tokens)");
    }

    private static void printLabelSet(Predictor.LabelSet l, int maxLen, boolean json, PrintStream out) {
        if (json) {
            out.println(Json.write(labelSetJson(l)));
            return;
        }
        out.println(l.chosen().isEmpty() ? "(no label above 0.5)" : String.join(", ", l.chosen()));
        for (int i = 0; i < l.labels().size(); i++) {
            String name = l.labels().get(i);
            out.printf("%s %-20s %.4f%n", l.chosen().contains(name) ? "*" : " ", name, l.probabilities()[i]);
        }
        if (l.truncated()) out.println("(the text was cut to " + maxLen + " tokens)");
    }

    private static void printTags(List<Predictor.WordTag> tags, boolean json, PrintStream out) {
        if (json) {
            out.println(Json.write(tagsJson(tags)));
            return;
        }
        for (Predictor.WordTag t : tags)
            out.printf("%-20s %s%n", t.word(), t.tag() == null ? "(cut off)" : String.format("%-8s %.4f", t.tag(), t.probability()));
    }
}
