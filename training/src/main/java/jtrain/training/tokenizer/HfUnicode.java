package jtrain.training.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The code points where HuggingFace tokenizers classifies a character differently from this JDK, with HF's answer.
 *
 * <p>HF's BERT normaliser and pre-tokenizer take their categories (punctuation, control, non-spacing mark) and
 * their NFD decompositions from Rust crates frozen at an old Unicode version, and their lowercase mapping from the
 * Rust standard library, which is newer than Java 25's Unicode 16. So a character assigned since then is an
 * unknown letter to HF where Java knows its category (U+061D ARABIC END OF TEXT MARK is punctuation here and part
 * of a word there), a few changed category (U+1734 was a non-spacing mark), and a few capitals are lowercased by HF
 * and unknown to Java.
 *
 * <p>The table, {@code hf-unicode-exceptions.txt} beside this class, was measured, not written by hand: every code
 * point was run through HF tokenizers 0.23 and through these classes (HfUnicodeParityTest, which also names any
 * code point where they still disagree). Each line is a kind, a code point or range in hex, and for
 * {@code lowercase} the code points HF lowercases it to.
 */
final class HfUnicode {
    private HfUnicode() {}

    /** Split off as punctuation by HF though not punctuation to Java, and the reverse. */
    static final BitSet PUNCTUATION = new BitSet(), NOT_PUNCTUATION = new BitSet();
    /** Dropped by HF's clean-up as control or format characters though Java has them otherwise, and the reverse. */
    static final BitSet CONTROL = new BitSet(), NOT_CONTROL = new BitSet();
    /** Stripped with the accents by HF (its non-spacing marks) though Java has them otherwise, and the reverse. */
    static final BitSet MARK = new BitSet(), NOT_MARK = new BitSet();
    /** Left whole by HF's NFD though Java decomposes them. */
    static final BitSet NO_DECOMPOSITION = new BitSet();
    /** HF's lowercase of characters Java leaves as they are. */
    static final Map<Integer, String> LOWERCASE = new HashMap<>();

    static final String TABLE = "hf-unicode-exceptions.txt";

    static {
        try (InputStream in = HfUnicode.class.getResourceAsStream(TABLE)) {
            if (in == null) throw new IllegalStateException(TABLE + " is missing from the classpath");
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int lineNo = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNo++;
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) add(line, lineNo);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE, e);
        }
    }

    private static void add(String line, int lineNo) {
        String[] f = line.split("\\s+");
        try {
            String[] range = f[1].split("\\.\\.");
            int first = Integer.parseInt(range[0], 16), last = range.length > 1 ? Integer.parseInt(range[1], 16) : first;
            BitSet set = switch (f[0]) {
                case "punctuation" -> PUNCTUATION;
                case "not-punctuation" -> NOT_PUNCTUATION;
                case "control" -> CONTROL;
                case "not-control" -> NOT_CONTROL;
                case "mark" -> MARK;
                case "not-mark" -> NOT_MARK;
                case "no-decomposition" -> NO_DECOMPOSITION;
                case "lowercase" -> null;
                default -> throw new IllegalArgumentException("unknown kind '" + f[0] + "'");
            };
            if (set != null) {
                set.set(first, last + 1);
                return;
            }
            StringBuilder lower = new StringBuilder();
            for (int i = 2; i < f.length; i++) lower.appendCodePoint(Integer.parseInt(f[i], 16));
            if (first != last || lower.isEmpty()) throw new IllegalArgumentException("lowercase takes one code point and its lowercase");
            LOWERCASE.put(first, lower.toString());
        } catch (RuntimeException e) {
            throw new IllegalStateException(TABLE + " line " + lineNo + ": '" + line + "': " + e.getMessage(), e);
        }
    }
}
