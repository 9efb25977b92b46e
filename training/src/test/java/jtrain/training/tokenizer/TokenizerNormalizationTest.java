package jtrain.training.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What BERT's normaliser and pre-tokenizer do to raw text before WordPiece sees it. */
class TokenizerNormalizationTest {
    static final BertNormalizer UNCASED = BertNormalizer.UNCASED;

    static List<String> words(String text) {
        return PreTokenizer.split(UNCASED.normalize(text));
    }

    @Test
    void lowercasesAndStripsAccents() {
        assertEquals("cafe naive resume", UNCASED.normalize("Café NAÏVE Résumé"));
        // A precomposed letter and a letter + combining mark normalise the same way.
        assertEquals("e", UNCASED.normalize("e\u0301"));
        assertEquals("ac", UNCASED.normalize("ÀÇ"));
    }

    @Test
    void casedSetupKeepsCaseAndAccents() {
        BertNormalizer cased = new BertNormalizer(true, true, null, false);
        assertEquals("Café", cased.normalize("Café"));
        BertNormalizer lowerKeepAccents = new BertNormalizer(true, true, false, true);
        assertEquals("café", lowerKeepAccents.normalize("CAFÉ"));
    }

    @Test
    void greekSigmaIsLoweredLikeHuggingFaceWithoutTheFinalFormRule() {
        assertEquals("οδοσ", UNCASED.normalize("ΟΔΟΣ"));
    }

    @Test
    void cleanTextDropsControlsAndTurnsWhitespaceIntoSpaces() {
        assertEquals("ab c d", UNCASED.normalize("a\u0000b\tc\u00A0d"));
        assertEquals("zerowidth", UNCASED.normalize("zero\u200Bwidth")); // a format character, dropped
        assertEquals("ab", UNCASED.normalize("a\uFFFDb\u0007"));
        assertEquals("ab", UNCASED.normalize("a\uE000b")); // private use, dropped
        assertEquals("a\u0378b", UNCASED.normalize("a\u0378b")); // unassigned: kept (an unknown word later), as in HF
        assertEquals(List.of("new", "line", "windows"), words("new\nline\r\nwindows"));
    }

    @Test
    void cjkIdeographsBecomeWordsOfTheirOwn() {
        assertEquals(List.of("中", "文", "mixed"), words("中文mixed"));
        // Hiragana is not an ideograph: it stays one word (and loses its voicing mark, a combining accent in NFD).
        assertEquals(List.of("ひらかな"), words("ひらがな"));
        // A supplementary-plane ideograph (two Java chars) is handled as one character.
        assertEquals(List.of("a", "\uD840\uDC00", "b"), words("a\uD840\uDC00b"));
        // HF tokenizers' ranges: U+2B81F is in, U+2B820..U+2B91F are not (its sixth block starts at U+2B920).
        String last = Character.toString(0x2B81F), gap = Character.toString(0x2B820), next = Character.toString(0x2B920);
        assertEquals(List.of("a", last, "b"), words("a" + last + "b"));
        assertEquals(List.of("a" + gap + "b"), words("a" + gap + "b"));
        assertEquals(List.of("a", next, "b"), words("a" + next + "b"));
    }

    @Test
    void everyPunctuationCharacterIsSplitOff() {
        assertEquals(List.of("don", "'", "t"), words("don't"));
        assertEquals(List.of("$", "5", "+", "3", "=", "8", "^", "2"), words("$5+3=8^2"));
        assertEquals(List.of("whale", "—", "the", "!", "¿", "que"), words("whale—the! ¿que"));
        assertEquals(List.of(".", ".", "."), words("..."));
    }

    @Test
    void whitespaceOnlyTextHasNoWords() {
        assertEquals(List.of(), words(""));
        assertEquals(List.of(), words(" \t\n "));
    }

    @Test
    void emojiStaysOneWordWithItsSurrogatePair() {
        assertEquals(List.of("emoji", "🐳", "whale"), words("emoji 🐳 whale"));
    }
}
