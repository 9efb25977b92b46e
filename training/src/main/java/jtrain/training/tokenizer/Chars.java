package jtrain.training.tokenizer;

/**
 * Character classes of the BERT pipeline, on code points. They follow the Rust definitions used by HuggingFace
 * tokenizers rather than Java's own (Character.isWhitespace leaves out U+00A0 and counts U+001C..U+001F), so that
 * both implementations split text at exactly the same places.
 *
 * <p>HuggingFace's category tables are from an older Unicode version than Java's, so where the two disagree (a
 * character assigned since, such as U+061D, or one whose category changed) HF's answer is taken from
 * {@link HfUnicode}'s measured table.
 */
final class Chars {
    private Chars() {}

    /** Unicode White_Space (what Rust's char::is_whitespace tests). */
    static boolean isWhitespace(int c) {
        return switch (c) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    /**
     * Characters that clean-up drops: control (Cc), format such as a zero-width space (Cf), private use (Co) and
     * lone surrogates. Unassigned code points are kept (HuggingFace keeps them; they become [UNK]). Tab, newline
     * and carriage return are kept because they are whitespace that separates words.
     */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') return false;
        if (c < 0x80) return c < 0x20 || c == 0x7F; // fast path for ASCII text
        if (HfUnicode.CONTROL.get(c)) return true;
        if (HfUnicode.NOT_CONTROL.get(c)) return false;
        return isControlCategory(c);
    }

    /** Cc, Cf, Co or Cs in this JDK's Unicode tables. */
    static boolean isControlCategory(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE;
    }

    /**
     * Punctuation as BERT sees it: every ASCII symbol that is not a letter or digit ($, +, ^, ` and the like are
     * symbols in Unicode, but BERT splits them anyway), plus the Unicode punctuation categories P*.
     */
    static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
        if (c < 0x80) return false;
        if (HfUnicode.PUNCTUATION.get(c)) return true;
        if (HfUnicode.NOT_PUNCTUATION.get(c)) return false;
        return isPunctuationCategory(c);
    }

    /** P* in this JDK's Unicode tables. */
    static boolean isPunctuationCategory(int c) {
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** A non-spacing mark (Mn), what accent stripping removes after NFD. */
    static boolean isNonspacingMark(int c) {
        if (c < 0x80) return false;
        if (HfUnicode.MARK.get(c)) return true;
        if (HfUnicode.NOT_MARK.get(c)) return false;
        return Character.getType(c) == Character.NON_SPACING_MARK;
    }

    /**
     * The CJK Unified Ideograph blocks that BERT surrounds with spaces so each ideograph becomes its own word.
     * Hiragana, Katakana and Hangul are deliberately not included: they are written with spaces between words.
     * The ranges are HF tokenizers' (the Rust library behind transformers' fast tokenizers), whose sixth block
     * starts at U+2B920; transformers' older Python tokenizer starts it at U+2B820, so U+2B820..U+2B91F (CJK
     * Extension E's first 256 code points) are words of their own there and not here.
     */
    static boolean isChineseChar(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
