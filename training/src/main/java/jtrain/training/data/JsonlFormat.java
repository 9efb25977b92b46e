package jtrain.training.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jtrain.engine.io.Json;

/**
 * User JSON Lines: one object per line, {"text": ..., "label": ..., "text_b": ...}; label and text_b optional, an
 * optional "id" names the document (else "FILE:LINE"). A label may be a string or a number (kept as written), or a
 * list of strings for multi-label data ("label": ["sports", "politics"]; [] is an example with no label).
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
        return RecordReader.readAll(stream(file, labelled));
    }

    /** The examples one line at a time. */
    public static RecordReader<TextExample> stream(Path file, boolean labelled) {
        Utf8Lines.requireText(file);
        Utf8Lines lines = Utf8Lines.open(file);
        String name = file.getFileName().toString();
        return new RecordReader<>() {
            @Override
            public Numbered<TextExample> next() {
                for (String line = lines.next(); line != null; line = lines.next()) {
                    if (!line.isBlank()) return new Numbered<>(lines.line(), example(file, name, lines.line() - 1, line, labelled));
                }
                return null;
            }

            @Override
            public void close() {
                lines.close();
            }
        };
    }

    private static TextExample example(Path file, String name, int i, String line, boolean labelled) {
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
        if (obj.get("label") instanceof List<?> list) return new TextExample(docId, text, textB, null, labelList(list, file, i));
        return new TextExample(docId, text, textB, field(obj, "label", file, i, labelled));
    }

    private static List<String> labelList(List<?> list, Path file, int line) {
        for (Object v : list) {
            if (!(v instanceof String)) throw Lines.error(file, line, "a \"label\" list must hold strings, got " + Json.write(list));
        }
        return list.stream().map(String.class::cast).toList();
    }

    private static String field(Map<String, Object> obj, String key, Path file, int line, boolean required) {
        Object v = obj.get(key);
        if (v == null) {
            if (required) throw Lines.error(file, line, "missing \"" + key + "\"");
            return null;
        }
        if (v instanceof String s) return s;
        if (v instanceof Long || v instanceof Boolean) return v.toString();
        if (v instanceof Double d && !key.startsWith("text")) return d.toString();
        // What was accepted above: any string; a whole number or true/false anywhere; a fraction only as a label or id.
        String allowed = key.startsWith("text") ? "a string" : key.equals("label") ? "a string, a number or a list of strings" : "a string or a number";
        throw Lines.error(file, line, "\"" + key + "\" must be " + allowed + ", got " + Json.write(v));
    }
}
