package jtrain.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * User TSV or CSV with a header row, GLUE style: a text column ("sentence", "text" or "sentence1"), an optional
 * second text ("sentence2" or "text_b") and an optional "label". TSV fields are taken literally (GLUE files contain
 * unescaped quotes); CSV follows RFC 4180: quoted fields may hold commas, doubled quotes and newlines.
 */
public final class DelimitedFormat {
    private DelimitedFormat() {}

    /** Tab for *.tsv, comma otherwise. */
    public static List<TextExample> read(Path file) {
        return read(file, false);
    }

    /** labelled: the header must have a "label" column and every row a non-blank label, else an error names it. */
    public static List<TextExample> read(Path file, boolean labelled) {
        return readNumbered(file, labelled).stream().map(Numbered::value).toList();
    }

    public static List<TextExample> read(Path file, char sep, boolean labelled) {
        return readNumbered(file, sep, labelled).stream().map(Numbered::value).toList();
    }

    /** The examples with the line each row starts on (a quoted field may span lines); blank rows are skipped. */
    public static List<Numbered<TextExample>> readNumbered(Path file, boolean labelled) {
        boolean tsv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv");
        return readNumbered(file, tsv ? '\t' : ',', labelled);
    }

    private static List<Numbered<TextExample>> readNumbered(Path file, char sep, boolean labelled) {
        String text = TextFiles.readNonEmpty(file);
        List<Row> rows = sep == '\t' ? tsvRows(text) : csvRows(text, file);
        Row header = rows.getFirst();
        int textCol = column(header, "sentence", "text", "sentence1");
        int textBCol = column(header, "sentence2", "text_b");
        int labelCol = column(header, "label");
        if (textCol < 0)
            throw new DataException(file + ":1: header needs a text column (sentence, text or sentence1), has "
                    + header.fields());
        if (labelled && labelCol < 0) throw new DataException(file + ":1: header needs a label column, has " + header.fields());
        String name = file.getFileName().toString();
        List<Numbered<TextExample>> out = new ArrayList<>();
        for (Row r : rows.subList(1, rows.size())) {
            if (r.fields().size() == 1 && r.fields().getFirst().isBlank()) continue;
            if (r.fields().size() != header.fields().size())
                throw new DataException(file + ":" + r.line() + ": " + r.fields().size() + " fields, header has "
                        + header.fields().size());
            if (labelled && r.fields().get(labelCol).isBlank()) throw new DataException(file + ":" + r.line() + ": empty label");
            out.add(new Numbered<>(r.line(), new TextExample(name + ":" + r.line(), r.fields().get(textCol),
                    textBCol < 0 ? null : r.fields().get(textBCol), labelCol < 0 ? null : r.fields().get(labelCol))));
        }
        return out;
    }

    /** A record and the line it starts on (1-based). */
    record Row(int line, List<String> fields) {}

    private static int column(Row header, String... names) {
        for (String n : names)
            for (int i = 0; i < header.fields().size(); i++)
                if (header.fields().get(i).strip().equalsIgnoreCase(n)) return i;
        return -1;
    }

    private static List<Row> tsvRows(String text) {
        List<Row> rows = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        int n = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < n; i++) rows.add(new Row(i + 1, List.of(lines[i].split("\t", -1))));
        return rows;
    }

    static List<Row> csvRows(String text, Path file) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int line = 1, rowStart = 1, i = 0;
        boolean quoted = false, wasQuoted = false;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (quoted) {
                if (c == '"') {
                    if (i < text.length() && text.charAt(i) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') line++;
                    f.append(c);
                }
            } else if (c == '"' && f.isEmpty() && !wasQuoted) {
                quoted = wasQuoted = true;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i < text.length() && text.charAt(i) == '\n') i++;
                fields.add(f.toString());
                rows.add(new Row(rowStart, List.copyOf(fields)));
                fields.clear();
                f.setLength(0);
                wasQuoted = false;
                rowStart = ++line;
            } else if (wasQuoted) {
                throw new DataException(file + ":" + line + ": text after a closing quote (use \"\" for a quote)");
            } else {
                f.append(c);
            }
        }
        if (quoted) throw new DataException(file + ":" + rowStart + ": quoted field is not closed");
        if (!f.isEmpty() || !fields.isEmpty() || wasQuoted) {
            fields.add(f.toString());
            rows.add(new Row(rowStart, List.copyOf(fields)));
        }
        return rows;
    }
}
