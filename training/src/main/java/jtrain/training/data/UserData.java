package jtrain.training.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Picks the reader for a user file by its extension, so commands can take any supported format as one option. */
public final class UserData {
    private UserData() {}

    /** Classification examples from .jsonl, .tsv or .csv; a label may be missing. */
    public static List<TextExample> examples(Path file) {
        return examples(file, false);
    }

    /** Classification examples that must all be labelled (to train on or to score): a missing label names its line. */
    public static List<TextExample> labelledExamples(Path file) {
        return examples(file, true);
    }

    /**
     * Labelled examples whose label is found and checked as {@code labels} says (a regression file may name it
     * "score" and must give numbers; a multi-label .tsv/.csv row may leave it empty).
     */
    public static List<TextExample> labelledExamples(Path file, LabelField labels) {
        return labelledNumbered(file, labels).stream().map(Numbered::value).toList();
    }

    /** As {@link #labelledExamples(Path, LabelField)}, each example with the line it starts on. */
    public static List<Numbered<TextExample>> labelledNumbered(Path file, LabelField labels) {
        return numbered(file, labels);
    }

    /**
     * labels null: texts whose labels, if any, are not required or checked. Labelled examples (to train on or to
     * score) must have a text: an empty one is refused naming its line, as predict --input refuses it.
     */
    private static List<Numbered<TextExample>> numbered(Path file, LabelField labels) {
        String ext = extension(file);
        List<Numbered<TextExample>> examples = switch (ext) {
            case "jsonl", "ndjson" -> JsonlFormat.readNumbered(file, labels);
            case "tsv", "csv" -> DelimitedFormat.readNumbered(file, labels);
            default -> throw new DataException(file + ": unknown format '." + ext + "' for labelled text (use .jsonl, .tsv or .csv)");
        };
        if (labels != null) {
            for (Numbered<TextExample> e : examples) {
                if (e.value().text().isBlank()) throw new DataException(file + ":" + e.line() + ": empty text");
            }
        }
        return examples;
    }

    private static List<TextExample> examples(Path file, boolean labelled) {
        return numbered(file, labelled ? LabelField.ONE : null).stream().map(Numbered::value).toList();
    }

    /** Token tagging sentences from .conll, .conllu, .bio or .iob files (a token and its tag per line). */
    public static List<TaggedSentence> tagged(Path file) {
        String ext = extension(file);
        return switch (ext) {
            case "conll", "conllu", "bio", "iob" -> ConllFormat.read(file);
            default -> throw new DataException(file + ": unknown format '." + ext
                    + "' for tagged tokens (use .conll: a token and its tag per line)");
        };
    }

    /**
     * Texts to label (./trainer predict --input), one at a time, each with the line it starts on: the examples of
     * .jsonl, .tsv or .csv (a label, if present, is not used), any other file one text per line. Blank lines are
     * skipped; an empty text is refused, naming its line.
     */
    public static RecordReader<TextExample> textsToLabel(Path file) {
        String name = file.getFileName().toString();
        RecordReader<TextExample> records = switch (extension(file)) {
            case "jsonl", "ndjson" -> JsonlFormat.stream(file, false);
            case "tsv", "csv" -> DelimitedFormat.stream(file, false);
            case "conll", "conllu", "bio", "iob" -> throw new DataException(file
                    + ": a sequence classifier labels texts: give .jsonl, .tsv, .csv or one text per line");
            default -> map(PlainTextFormat.nonBlankLineStream(file), (line, text) -> new TextExample(name + ":" + line, text, null, null));
        };
        return new RecordReader<>() {
            private boolean any;

            @Override
            public Numbered<TextExample> next() {
                Numbered<TextExample> e = records.next();
                if (e == null && !any) throw new DataException(file + ": no texts in the file");
                if (e != null && e.value().text().isBlank()) throw new DataException(file + ":" + e.line() + ": empty text");
                any = true;
                return e;
            }

            @Override
            public void close() {
                records.close();
            }
        };
    }

    /**
     * Sentences to tag, as words, one at a time, each with the line it starts on: the tokens of each .conll sentence (a tag column
     * may be present or not), any other file one sentence per line with words separated by whitespace (blank lines
     * are skipped).
     */
    public static RecordReader<List<String>> sentencesToTag(Path file) {
        return switch (extension(file)) {
            case "conll", "conllu", "bio", "iob" -> map(ConllFormat.stream(file, false), (line, s) -> s.tokens());
            case "jsonl", "ndjson", "tsv", "csv" -> throw new DataException(file
                    + ": a token classifier tags words: give .conll (one token per line) or one sentence per line");
            default -> map(PlainTextFormat.nonBlankLineStream(file), (line, text) -> List.of(text.split("\\s+")));
        };
    }

    /** records with each value replaced by f(line, value). */
    private static <A, B> RecordReader<B> map(RecordReader<A> records, java.util.function.BiFunction<Integer, A, B> f) {
        return new RecordReader<>() {
            @Override
            public Numbered<B> next() {
                Numbered<A> r = records.next();
                return r == null ? null : new Numbered<>(r.line(), f.apply(r.line(), r.value()));
            }

            @Override
            public void close() {
                records.close();
            }
        };
    }

    /**
     * Unlabeled documents (pretraining text, tokenizer training text) from any supported file, read by the same
     * readers as labelled data so that only text gets in: the text fields of .jsonl and the text columns of .tsv/.csv
     * (an example's second text on a line of its own), the tokens of each .conll sentence joined by spaces. Labels, tags,
     * ids and other columns are left out. Any other file is plain text: paragraphs, or lines.
     */
    public static List<Document> documents(Path file, boolean paragraphs) {
        String name = file.getFileName().toString();
        return switch (extension(file)) {
            case "jsonl", "ndjson", "tsv", "csv" -> examples(file).stream()
                    .map(e -> new Document(e.docId(), name, e.textB() == null ? e.text() : e.text() + "\n" + e.textB())).toList();
            case "conll", "conllu", "bio", "iob" -> tagged(file).stream()
                    .map(s -> new Document(s.docId(), name, String.join(" ", s.tokens()))).toList();
            default -> PlainTextFormat.read(file, paragraphs);
        };
    }

    private static String extension(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
