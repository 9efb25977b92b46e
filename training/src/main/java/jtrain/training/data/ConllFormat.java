package jtrain.training.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * User CoNLL-style token tagging data, a blank line between sentences, in one of two layouts:
 * <ul>
 * <li>plain CoNLL: "token<TAB>tag" per line (with more columns, the first is the token and the last the tag); lines
 *     starting with "#" and holding no tab are comments. A file whose first token line holds no tab has its columns
 *     separated by spaces instead, as CoNLL-2003's "EU NNP B-NP B-ORG"; its "-DOCSTART-" lines (document breaks,
 *     not sentences) are skipped in either layout. In the space-separated layout the word "#" (or "#hashtag") starts
 *     a token line too, as in "# SYM O", so no tab tells it from a comment: see {@link SpaceColumns};</li>
 * <li>CoNLL-U (Universal Dependencies): ten columns ID, FORM, LEMMA, UPOS, ...; the token is FORM and the tag UPOS.
 *     Multi-word token lines (ID "3-4") and empty nodes (ID "5.1") are skipped, since their words are listed on
 *     their own lines; every line starting with "#" is a comment. A file is read as CoNLL-U when it is named
 *     {@code .conllu} or its first token line has ten columns and a numeric ID.</li>
 * </ul>
 */
public final class ConllFormat {
    private ConllFormat() {}

    private static final int CONLLU_COLUMNS = 10, FORM = 1, UPOS = 3;
    /** CoNLL-2003's document break, a line of its own. */
    private static final String DOCSTART = "-DOCSTART-";

    public static List<TaggedSentence> read(Path file) {
        return readNumbered(file, true).stream().map(Numbered::value).toList();
    }

    /** Placeholder tag of a token line without one, in files read with tags optional (text to tag). */
    public static final String NO_TAG = "_";

    /**
     * The sentences with the line of each one's first token. tagsRequired false: a plain CoNLL line may hold the
     * token alone (text to tag), its tag is then {@link #NO_TAG}.
     */
    public static List<Numbered<TaggedSentence>> readNumbered(Path file, boolean tagsRequired) {
        return RecordReader.readAll(stream(file, tagsRequired));
    }

    /** {@link #readNumbered} one sentence at a time, after a first pass over the file that finds its layout. */
    public static RecordReader<TaggedSentence> stream(Path file, boolean tagsRequired) {
        Utf8Lines.requireText(file);
        Sentences sentences = new Sentences(file, Layout.of(file), tagsRequired);
        Utf8Lines lines = Utf8Lines.open(file);
        return new RecordReader<>() {
            private boolean ended, any;

            @Override
            public Numbered<TaggedSentence> next() {
                while (!ended) {
                    String line = lines.next();
                    ended = line == null;
                    // The end of the file ends the last sentence as a blank line would.
                    Numbered<TaggedSentence> s = ended ? sentences.accept(lines.line(), "") : sentences.accept(lines.line() - 1, line);
                    if (s != null) {
                        any = true;
                        return s;
                    }
                }
                if (!any) throw new DataException(file + ": no sentences in the file");
                return null;
            }

            @Override
            public void close() {
                lines.close();
            }
        };
    }

    /** How a file is laid out: CoNLL-U or plain; columns separated by tabs or by spaces, and then its "#" rule. */
    private record Layout(boolean conllu, boolean tabs, SpaceColumns spaced) {
        static Layout of(Path file) {
            String wordLine = null, tokenLine = null;
            try (Utf8Lines lines = Utf8Lines.open(file)) {
                for (String line = lines.next(); line != null && (wordLine == null || tokenLine == null); line = lines.next()) {
                    if (line.isBlank()) continue;
                    if (wordLine == null && !line.startsWith("#")) wordLine = line;
                    boolean comment = line.startsWith("#") && line.indexOf('\t') < 0;
                    if (tokenLine == null && !comment && !line.strip().startsWith(DOCSTART)) tokenLine = line;
                }
            }
            boolean conllu = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".conllu")
                    || wordLine != null && isConlluWordLine(wordLine);
            boolean tabs = conllu || tokenLine != null && tokenLine.indexOf('\t') >= 0;
            return new Layout(conllu, tabs, tabs ? null : SpaceColumns.of(file));
        }
    }

    /** Builds sentences from the lines of a file fed in order; a blank line ends one. */
    private static final class Sentences {
        private final Path file;
        private final String name;
        private final Layout layout;
        private final boolean tagsRequired;
        private final List<String> tokens = new ArrayList<>(), tags = new ArrayList<>();
        private int start;

        Sentences(Path file, Layout layout, boolean tagsRequired) {
            this.file = file;
            this.name = file.getFileName().toString();
            this.layout = layout;
            this.tagsRequired = tagsRequired;
        }

        /** Line i (0-based); the sentence it ends, or null. */
        Numbered<TaggedSentence> accept(int i, String line) {
            boolean conllu = layout.conllu(), tabs = layout.tabs();
            if (line.isBlank()) {
                Numbered<TaggedSentence> s = tokens.isEmpty() ? null
                        : new Numbered<>(start + 1, new TaggedSentence(name + ":" + (start + 1), tokens, tags));
                tokens.clear();
                tags.clear();
                return s;
            }
            if (line.startsWith("#") && isComment(line, conllu, layout.spaced())) return null;
            String[] cols = tabs ? line.split("\t") : line.strip().split("\\s+");
            if (!conllu && cols[0].strip().equals(DOCSTART)) return null;
            String token, tag;
            if (conllu) {
                if (cols.length != CONLLU_COLUMNS)
                    throw Lines.error(file, i, "CoNLL-U needs 10 tab-separated columns, got " + cols.length
                            + " in '" + line + "'");
                String id = cols[0].strip();
                if (id.contains("-") || id.contains(".")) return null; // multi-word token or empty node
                if (!isNumber(id)) throw Lines.error(file, i, "CoNLL-U ID must be a number, got '" + id + "'");
                token = cols[FORM].strip();
                tag = cols[UPOS].strip();
                if (token.isEmpty() || tagsRequired && (tag.isEmpty() || tag.equals(NO_TAG)))
                    throw Lines.error(file, i, "CoNLL-U word without FORM or UPOS: '" + line + "'");
            } else if (!tagsRequired && cols.length == 1) {
                token = cols[0].strip();
                tag = NO_TAG;
            } else {
                if (cols.length < 2 || cols[0].isBlank() || cols[cols.length - 1].isBlank())
                    throw Lines.error(file, i, (tabs ? "expected token<TAB>tag" : "expected a token and its tag separated by spaces")
                            + ", got '" + line + "'");
                token = cols[0].strip();
                tag = cols[cols.length - 1].strip();
            }
            if (tokens.isEmpty()) start = i;
            tokens.add(token);
            tags.add(tag);
            return null;
        }
    }

    /** A line starting with "#": in CoNLL-U always a comment; with tabs, one holding none; with spaces, see SpaceColumns. */
    private static boolean isComment(String line, boolean conllu, SpaceColumns spaced) {
        if (conllu) return true;
        return spaced == null ? line.indexOf('\t') < 0 : !spaced.isTokenLine(line);
    }

    /**
     * Tells a space-separated file's token lines that start with "#" from its comments ("# sent_id = 1",
     * "# text = EU rejects German call", "# a note"): such a line is a token line when it has exactly as many columns
     * as the file's other token lines and, when those hold tags, its last column is a tag that they use. A comment
     * rarely meets both: "# sent_id = 1" has CoNLL-2003's four columns, but "1" is no tag. (A "#" word whose tag
     * occurs nowhere else in the file is read as a comment: in such a file, separate the columns by tabs.)
     *
     * @param columns the column count of the first token line not starting with "#" (0 when there is none)
     * @param tags the last column of every token line not starting with "#", when they have two columns or more
     */
    record SpaceColumns(int columns, Set<String> tags) {
        static SpaceColumns of(Path file) {
            int columns = 0;
            Set<String> tags = new HashSet<>();
            try (Utf8Lines lines = Utf8Lines.open(file)) {
                for (String line = lines.next(); line != null; line = lines.next()) {
                    if (line.isBlank() || line.startsWith("#")) continue;
                    String[] cols = line.strip().split("\\s+");
                    if (cols[0].equals(DOCSTART)) continue;
                    if (columns == 0) columns = cols.length;
                    if (cols.length >= 2) tags.add(cols[cols.length - 1]);
                }
            }
            return new SpaceColumns(columns, tags);
        }

        boolean isTokenLine(String line) {
            String[] cols = line.strip().split("\\s+");
            return cols.length == columns && (columns == 1 || tags.contains(cols[cols.length - 1]));
        }
    }

    /** A first word line (neither blank nor a comment) with CoNLL-U's ten columns and a numeric ID. */
    private static boolean isConlluWordLine(String line) {
        String[] cols = line.split("\t");
        return cols.length == CONLLU_COLUMNS && isNumber(cols[0].strip().split("[-.]")[0]);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
