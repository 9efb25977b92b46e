package jtrain.training.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Characters that HuggingFace tokenizers classifies by older Unicode tables than Java's are treated as HF treats
 * them (HfUnicode), so texts in every script split the same way. HfUnicodeParityTest checks every code point
 * against HF itself where Python has tokenizers; these are examples of each kind of exception.
 */
class HfUnicodeTest {
    static final BertNormalizer UNCASED = BertNormalizer.UNCASED, CASED = new BertNormalizer(true, true, false, false);

    static List<String> words(BertNormalizer n, String text) {
        return PreTokenizer.split(n.normalize(text));
    }

    @Test
    void punctuationNewerThanHuggingFacesTablesStaysInsideTheWord() {
        // U+061D ARABIC END OF TEXT MARK and U+2E53 MEDIEVAL EXCLAMATION MARK are punctuation since Unicode 14.
        assertEquals(List.of("a\u061Db"), words(CASED, "a\u061Db"));
        assertEquals(List.of("a\u2E53b"), words(CASED, "a\u2E53b"));
        // An old punctuation mark still splits.
        assertEquals(List.of("a", "\u2E2E", "b"), words(CASED, "a\u2E2Eb"));
    }

    @Test
    void charactersThatWerePunctuationInHuggingFacesTablesSplit() {
        // U+166D CANADIAN SYLLABICS CHI SIGN became a symbol in Unicode 12; HF still splits it off.
        assertEquals(List.of("a", "\u166D", "b"), words(CASED, "a\u166Db"));
    }

    @Test
    void accentStrippingKeepsMarksHuggingFaceDoesNotKnow() {
        // U+08D3 ARABIC SMALL LOW WAW (Unicode 11) stays; the acute accent before it goes.
        assertEquals("a\u08D3", UNCASED.normalize("a\u0301\u08D3"));
        // U+1734 HANUNOO SIGN PAMUDPOD was a non-spacing mark in HF's tables and is stripped.
        assertEquals("ab", UNCASED.normalize("a\u1734b"));
        // A letter Java decomposes and HF's NFD does not (U+105C9 TODHRI LETTER EI) is kept whole.
        String ei = Character.toString(0x105C9);
        assertEquals("a" + ei, UNCASED.normalize("a" + ei));
    }

    @Test
    void cleanUpKeepsFormatCharactersHuggingFaceDoesNotKnow() {
        assertEquals("a\u0890b", UNCASED.normalize("a\u0890b")); // ARABIC POUND MARK ABOVE, format since Unicode 14
        assertEquals("ab", UNCASED.normalize("a\u200Bb")); // an old format character (zero-width space) is dropped
    }

    @Test
    void capitalsNewerThanJavasTablesAreLowercasedAsHuggingFaceDoes() {
        // U+A7CE and U+A7CF, a capital and small letter pair Java 25 does not know yet.
        assertFalse(HfUnicode.LOWERCASE.isEmpty());
        assertEquals("a\uA7CF", CASED.normalize("a\uA7CF"));
        assertEquals("a\uA7CF", UNCASED.normalize("A\uA7CE"));
    }
}
