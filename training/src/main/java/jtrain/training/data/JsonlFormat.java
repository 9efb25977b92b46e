package jtrain.training.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jtrain.engine.io.Json;

/**
 * User JSON Lines: one object per line, {"text": ..., "label": ..., "text_b": ...}; label and text_b optional, an
 * optional "id" names the document (else "FILE:LINE"). Texts are strings. A label may be a string or a number (kept
 * as written; true/false is refused where labels are used), or a list of strings for multi-label data ("label":
 * ["sports", "politics"]; [] is an example with no label). Regression data ({@link LabelField#SCORE}) gives its
 * target as "label" or "score" (GLUE STS-B's name), one number or a list of numbers, one per model output (numeric
 * strings too, read as a .tsv field is, see {@link Scores}).
 */
public final class JsonlFormat {
    private JsonlFormat() {}

    public static List<TextExample> read(Path file) {
        return read(file, false);
    }

    /** labelled: every line must have a "label" (data to train on or to score), else an error names the line. */
    public static List<TextExample> read(Path file, boolean labelled) {
        return readNumbered(file, labelled).stream().map(Numbered::value).toList();
    }

    /** The examples with the line each was read from (blank lines are skipped). */
    public static List<Numbered<TextExample>> readNumbered(Path file, boolean labelled) {
        return readNumbered(file, labelled ? LabelField.ONE : null);
    }

    /**
     * Labelled examples whose label is read as {@code labels} says: "label" required (ONE, SET), or for SCORE "label"
     * or "score" holding numbers; null reads texts whose labels, if any, are not checked. Each with its line.
     */
    public static List<Numbered<TextExample>> readNumbered(Path file, LabelField labels) {
        return RecordReader.readAll(stream(file, labels));
    }

    /** The examples one line at a time. */
    public static RecordReader<TextExample> stream(Path file, boolean labelled) {
        return stream(file, labelled ? LabelField.ONE : null);
    }

    /** The examples one line at a time, their labels read as {@code labels} says (null: not required, not checked). */
    public static RecordReader<TextExample> stream(Path file, LabelField labels) {
        Utf8Lines.requireText(file);
        Utf8Lines lines = Utf8Lines.open(file);
        String name = file.getFileName().toString();
        return new RecordReader<>() {
            @Override
            public Numbered<TextExample> next() {
                for (String line = lines.next(); line != null; line = lines.next()) {
                    if (!line.isBlank()) return new Numbered<>(lines.line(), example(file, name, lines.line() - 1, line, labels));
                }
                return null;
            }

            @Override
            public void close() {
                lines.close();
            }
        };
    }

    private static TextExample example(Path file, String name, int i, String line, LabelField labels) {
        Map<String, Object> obj;
        try {
            obj = Json.parseObject(line, "json"); // not stripped: the column in an error is the line's own
        } catch (IllegalArgumentException e) {
            throw Lines.error(file, i, "malformed JSON: " + e.getMessage().replaceFirst("^json:\\d+:(\\d+): (invalid JSON: )?", "column $1: "));
        }
        String text = field(obj, "text", file, i, true);
        String id = field(obj, "id", file, i, false);
        String textB = field(obj, "text_b", file, i, false);
        String docId = id != null ? id : name + ":" + (i + 1);
        if (labels == LabelField.SCORE) return scored(obj, docId, text, textB, file, i);
        if (obj.get("label") instanceof List<?> list) return new TextExample(docId, text, textB, null, labelList(list, labels == null, file, i));
        if (labels != null && obj.get("label") instanceof Boolean b) {
            // true/false is rarely a class name someone meant: more often a flag exported by mistake.
            throw Lines.error(file, i, "\"label\" must be a string, a number or a list of strings, got " + b
                    + " (write \"" + b + "\" if it is the name of a class)");
        }
        return new TextExample(docId, text, textB, field(obj, "label", file, i, labels != null));
    }

    /**
     * A regression example: its target under "label" or "score" (not both), a number, a list of numbers or a string
     * of comma-separated numbers, kept as written (the label, or the list); anything else names the line and the key.
     */
    private static TextExample scored(Map<String, Object> obj, String docId, String text, String textB, Path file, int line) {
        boolean hasLabel = obj.get("label") != null, hasScore = obj.get("score") != null;
        if (hasLabel && hasScore) throw Lines.error(file, line, "both \"label\" and \"score\": give a regression target under one of them");
        if (!hasLabel && !hasScore) throw Lines.error(file, line, "missing \"label\" (or \"score\")");
        String key = hasLabel ? "label" : "score";
        Object v = obj.get(key);
        List<String> values = v instanceof List<?> list ? list.stream().map(JsonlFormat::numberText).toList() : null;
        String label = values == null ? numberText(v) : null;
        boolean numbers = values != null ? !values.contains(null) && Scores.parse(values) != null : label != null && Scores.parse(label) != null;
        if (!numbers) {
            throw Lines.error(file, line, "\"" + key + "\" must be a number or a list of numbers (--problem regression), got " + Json.write(v));
        }
        return new TextExample(docId, text, textB, label, values);
    }

    /** A JSON string, or a number written as a label of another problem type is (1, 2.5, 1.0E-5); null for anything else. */
    private static String numberText(Object v) {
        return v instanceof String || v instanceof Long || v instanceof Double ? v.toString() : null;
    }

    /** A label list: strings (multi-label names); when the labels are not used, numbers too (a regression file to predict). */
    private static List<String> labelList(List<?> list, boolean numbersAllowed, Path file, int line) {
        for (Object v : list) {
            if (!(v instanceof String) && !(numbersAllowed && (v instanceof Long || v instanceof Double))) {
                throw Lines.error(file, line, "a \"label\" list must hold strings, got " + Json.write(list)
                        + (list.stream().allMatch(x -> x instanceof Number) ? " (a list of numbers is a regression target: --problem regression)" : ""));
            }
        }
        return list.stream().map(Object::toString).toList();
    }

    private static String field(Map<String, Object> obj, String key, Path file, int line, boolean required) {
        Object v = obj.get(key);
        if (v == null) {
            if (required) throw Lines.error(file, line, "missing \"" + key + "\"");
            return null;
        }
        if (v instanceof String s) return s;
        boolean text = key.startsWith("text");
        // What is accepted: a text only as a string; a label or id also as a number (kept as written) or true/false
        // (a label that is used refuses it above).
        if (!text && (v instanceof Long || v instanceof Double || v instanceof Boolean)) return v.toString();
        String allowed = text ? "a string" : key.equals("label") ? "a string, a number or a list of strings" : "a string or a number";
        throw Lines.error(file, line, "\"" + key + "\" must be " + allowed + ", got " + Json.write(v));
    }
}
