package jtrain.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * User TSV or CSV with a header row, GLUE style: a text column ("sentence", "text" or "sentence1"), an optional
 * second text ("sentence2" or "text_b") and an optional "label" (for regression also "score", one number or several
 * separated by commas, see {@link LabelField}). TSV fields are taken literally (GLUE files contain
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

    /**
     * Labelled examples whose label column is found and checked as {@code labels} says (tab for *.tsv, comma
     * otherwise): a header without such a column, or a row with an empty field where that is not allowed, is an error
     * naming the file and line.
     */
    public static List<TextExample> read(Path file, LabelField labels) {
        return readNumbered(file, labels).stream().map(Numbered::value).toList();
    }

    /** As {@link #read(Path, LabelField)}, each example with the line its row starts on. */
    public static List<Numbered<TextExample>> readNumbered(Path file, LabelField labels) {
        return RecordReader.readAll(stream(file, separator(file), labels));
    }

    public static List<TextExample> read(Path file, char sep, boolean labelled) {
        return readNumbered(file, sep, labelled).stream().map(Numbered::value).toList();
    }

    /** The examples with the line each row starts on (a quoted field may span lines); blank rows are skipped. */
    public static List<Numbered<TextExample>> readNumbered(Path file, boolean labelled) {
        return readNumbered(file, separator(file), labelled);
    }

    private static List<Numbered<TextExample>> readNumbered(Path file, char sep, boolean labelled) {
        return RecordReader.readAll(stream(file, sep, labelled));
    }

    /** The examples one row at a time (tab for *.tsv, comma otherwise). */
    public static RecordReader<TextExample> stream(Path file, boolean labelled) {
        return stream(file, separator(file), labelled);
    }

    private static char separator(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
    }

    /** labelled: one label per row ({@link LabelField#ONE}); else a "label" column is read where there is one. */
    private static RecordReader<TextExample> stream(Path file, char sep, boolean labelled) {
        return stream(file, sep, labelled ? LabelField.ONE : null);
    }

    /** labels: how the label column is found and checked; null for texts whose labels, if any, need no checks. */
    private static RecordReader<TextExample> stream(Path file, char sep, LabelField labels) {
        Utf8Lines.requireText(file);
        Rows rows = new Rows(file, sep);
        try {
            Row header = rows.next();
            int textCol = column(file, header, "sentence", "text", "sentence1");
            int textBCol = column(file, header, "sentence2", "text_b");
            List<String> labelNames = labels == null ? LabelField.ONE.columnNames : labels.columnNames;
            int labelCol = column(file, header, labelNames.toArray(String[]::new));
            if (textCol < 0)
                throw new DataException(file + ":1: header needs a text column (sentence, text or sentence1), has "
                        + header.fields());
            if (labels == LabelField.SCORE && column(file, header, "label") >= 0 && column(file, header, "score") >= 0)
                throw new DataException(file + ":1: header has both a \"label\" and a \"score\" column: give the regression "
                        + "target in one of them (as in JSONL)");
            if (labels != null && labelCol < 0)
                throw new DataException(file + ":1: header needs a label column (" + String.join(" or ", labelNames) + "), has "
                        + header.fields());
            boolean emptyLabelAllowed = labels == null || labels.emptyMeansNone;
            String name = file.getFileName().toString();
            return new RecordReader<>() {
                @Override
                public Numbered<TextExample> next() {
                    for (Row r = rows.next(); r != null; r = rows.next()) {
                        if (r.fields().size() == 1 && r.fields().getFirst().isBlank()) continue;
                        if (r.fields().size() != header.fields().size())
                            throw new DataException(file + ":" + r.line() + ": " + r.fields().size() + (r.fields().size() == 1 ? " field" : " fields")
                                    + ", the header has " + header.fields().size());
                        if (!emptyLabelAllowed && r.fields().get(labelCol).isBlank())
                            throw new DataException(file + ":" + r.line() + ": empty label");
                        if (labels == LabelField.SCORE && Scores.parse(r.fields().get(labelCol)) == null)
                            throw new DataException(file + ":" + r.line() + ": \"" + header.fields().get(labelCol).strip() + "\" must be a number, "
                                    + "or numbers separated by commas (--problem regression), got '" + r.fields().get(labelCol) + "'");
                        return new Numbered<>(r.line(), new TextExample(name + ":" + r.line(), r.fields().get(textCol),
                                textBCol < 0 ? null : r.fields().get(textBCol), labelCol < 0 ? null : r.fields().get(labelCol)));
                    }
                    return null;
                }

                @Override
                public void close() {
                    rows.close();
                }
            };
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    /** The file's rows one at a time: a line each in TSV, in CSV as many lines as a quoted field spans. */
    private static final class Rows implements AutoCloseable {
        private final Utf8Lines lines;
        private final CsvParser csv;
        private final java.util.ArrayDeque<Row> ready = new java.util.ArrayDeque<>();

        Rows(Path file, char sep) {
            lines = Utf8Lines.open(file);
            csv = sep == '\t' ? null : new CsvParser(file);
        }

        /** The next row, or null at the end of the file. */
        Row next() {
            if (csv == null) {
                String line = lines.next();
                return line == null ? null : new Row(lines.line(), List.of(line.split("\t", -1)));
            }
            while (ready.isEmpty()) {
                String raw = lines.nextRaw();
                if (raw == null) {
                    csv.finish(ready::add);
                    return ready.poll();
                }
                csv.feed(lines.terminated() ? raw + "\n" : raw, ready::add);
            }
            return ready.poll();
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    /** A record and the line it starts on (1-based). */
    record Row(int line, List<String> fields) {}

    /** The first of names the header has (case-insensitive), or -1; a name the header has twice is an error. */
    private static int column(Path file, Row header, String... names) {
        for (String n : names) {
            int found = -1;
            for (int i = 0; i < header.fields().size(); i++) {
                if (!header.fields().get(i).strip().equalsIgnoreCase(n)) continue;
                if (found >= 0) throw new DataException(file + ":1: the header has two \"" + n + "\" columns (" + (found + 1) + " and "
                        + (i + 1) + "): which one to read is not clear");
                found = i;
            }
            if (found >= 0) return found;
        }
        return -1;
    }

    /**
     * RFC 4180 rows from text fed piece by piece (each piece ending where a line does, so that a doubled quote or a
     * "\r\n" is never split), the line each row starts on counted across the pieces.
     */
    private static final class CsvParser {
        private final Path file;
        private final List<String> fields = new ArrayList<>();
        private final StringBuilder f = new StringBuilder();
        private int line = 1, rowStart = 1;
        private boolean quoted, wasQuoted;

        CsvParser(Path file) {
            this.file = file;
        }

        void feed(String text, java.util.function.Consumer<Row> rows) {
            int i = 0;
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
                    rows.accept(new Row(rowStart, List.copyOf(fields)));
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
        }

        /** The last row, when the text does not end in a line break; the parser is then empty. */
        void finish(java.util.function.Consumer<Row> rows) {
            if (quoted) throw new DataException(file + ":" + rowStart + ": quoted field is not closed");
            if (!f.isEmpty() || !fields.isEmpty() || wasQuoted) {
                fields.add(f.toString());
                rows.accept(new Row(rowStart, List.copyOf(fields)));
                fields.clear();
                f.setLength(0);
                wasQuoted = false;
            }
        }
    }
}
