package jtrain.training.tokenizer;

import java.text.Normalizer;
import java.util.Locale;

/**
 * BERT's text normalisation, applied to a whole text before it is split into words. The steps and their order
 * match HuggingFace's BertNormalizer: clean-up, CJK spacing, accent stripping, then lowercasing (accents go first,
 * so a capital with an accent loses it like the small letter would).
 *
 * @param cleanText          drop NUL, U+FFFD and control/format characters, turn every whitespace into a space
 * @param handleChineseChars put spaces around CJK ideographs so each becomes a word of its own
 * @param stripAccents       NFD-decompose and drop combining marks; null means "same as lowercase", as in HF
 * @param lowercase          lowercase every character
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase) {

    /** The uncased BERT setup: everything on, accents stripped because lowercase is on. */
    public static final BertNormalizer UNCASED = new BertNormalizer(true, true, null, true);

    /** Whether accents are stripped once the "follow lowercase" default is resolved. */
    public boolean stripsAccents() {
        return stripAccents != null ? stripAccents : lowercase;
    }

    public String normalize(String text) {
        String s = cleanAndSpace(text);
        if (stripsAccents()) s = stripAccentMarks(s);
        if (lowercase) s = lower(s);
        return s;
    }

    private String cleanAndSpace(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || Chars.isControl(c)) continue;
                if (Chars.isWhitespace(c)) c = ' ';
            }
            if (handleChineseChars && Chars.isChineseChar(c)) sb.append(' ').appendCodePoint(c).append(' ');
            else sb.appendCodePoint(c);
        }
        return sb.toString();
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }

    private static String stripAccentMarks(String s) {
        if (isAscii(s)) return s;
        String nfd = nfd(s);
        StringBuilder sb = new StringBuilder(nfd.length());
        for (int i = 0; i < nfd.length(); ) {
            int c = nfd.codePointAt(i);
            i += Character.charCount(c);
            if (!Chars.isNonspacingMark(c)) sb.appendCodePoint(c);
        }
        return sb.toString();
    }

    /**
     * NFD as HF's tables have it: the characters they leave whole (see HfUnicode) and the marks they do not know
     * are kept in place, the text between them decomposed and reordered as usual.
     */
    private static String nfd(String s) {
        StringBuilder sb = null;
        int from = 0;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int next = i + Character.charCount(c);
            if (HfUnicode.NO_DECOMPOSITION.get(c) || HfUnicode.NOT_MARK.get(c)) {
                if (sb == null) sb = new StringBuilder(s.length() + 8);
                sb.append(Normalizer.normalize(s.substring(from, i), Normalizer.Form.NFD)).append(s, i, next);
                from = next;
            }
            i = next;
        }
        if (sb == null) return Normalizer.normalize(s, Normalizer.Form.NFD);
        return sb.append(Normalizer.normalize(s.substring(from), Normalizer.Form.NFD)).toString();
    }

    /**
     * Lowercases one code point at a time with the full (one-to-many) mapping, like Rust's char::to_lowercase.
     * String.toLowerCase on the whole text would apply the context rule for a word-final Greek sigma, which
     * HuggingFace does not. Characters newer than Java's Unicode that HF lowercases come from HfUnicode.
     */
    private static String lower(String s) {
        if (isAscii(s)) return s.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c < 0x80) sb.append((char) Character.toLowerCase(c));
            else if (HfUnicode.LOWERCASE.containsKey(c)) sb.append(HfUnicode.LOWERCASE.get(c));
            else sb.append(new String(Character.toChars(c)).toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }
}
