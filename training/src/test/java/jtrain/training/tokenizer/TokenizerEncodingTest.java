package jtrain.training.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** WordPiece splitting and the encoding API (special tokens, pairs, truncation, padding, batches, decoding). */
class TokenizerEncodingTest {
    // ids:                             0        1        2        3        4         5    6     7      8      9
    static final Vocab VOCAB = new Vocab(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "the", "whale",
            // 10  11    12     13    14      15
            "!", ",", "a", "##b", "##c", "🐳"));
    static final BertTokenizer TOK = new BertTokenizer(VOCAB);

    @Test
    void greedyLongestMatchWithContinuationPrefix() {
        assertEquals(List.of("un", "##aff", "##able"), TOK.tokenize("unaffable"));
        assertEquals(List.of("a", "##b", "##c", "##b"), TOK.tokenize("abcb"));
    }

    @Test
    void aWordWithoutFullSegmentationIsUnknownAsAWhole() {
        // "unaffx" starts with known pieces but "x" is not covered: the whole word becomes [UNK], not un ##aff [UNK].
        assertEquals(List.of("the", "[UNK]", "whale"), TOK.tokenize("the unaffx whale"));
    }

    @Test
    void wordsLongerThan100CharactersAreUnknown() {
        String hundred = "a" + "b".repeat(99); // a ##b ##b ... is a full segmentation
        assertEquals(100, TOK.tokenize(hundred).size());
        assertEquals(List.of("[UNK]"), TOK.tokenize(hundred + "b"));
    }

    @Test
    void lengthsCountCodePointsNotJavaChars() {
        // A whale emoji is two Java chars but one character: a known one-character word.
        assertEquals(List.of("🐳", "whale"), TOK.tokenize("🐳 whale"));
        WordPiece two = new WordPiece(VOCAB, "[UNK]", "##", 2);
        List<Integer> ids = new java.util.ArrayList<>();
        two.tokenize("🐳", ids);
        assertEquals(List.of(15), ids);
    }

    @Test
    void specialTokensWrapASingleText() {
        Encoding e = TOK.encode("The whale!");
        assertEquals(List.of("[CLS]", "the", "whale", "!", "[SEP]"), e.tokens());
        assertArrayEquals(new int[] {2, 8, 9, 10, 3}, e.ids());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0}, e.typeIds());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1}, e.attentionMask());
        assertEquals(List.of("the", "whale", "!"), TOK.encode("The whale!", null, EncodeOptions.DEFAULT.withoutSpecialTokens()).tokens());
    }

    @Test
    void pairsGetTypeZeroThenTypeOne() {
        Encoding e = TOK.encode("the whale", "a whale!");
        assertEquals(List.of("[CLS]", "the", "whale", "[SEP]", "a", "whale", "!", "[SEP]"), e.tokens());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1}, e.typeIds());
    }

    @Test
    void specialTokensWrittenInTheTextAreKeptWhole() {
        assertEquals(List.of("the", "[MASK]", "!"), TOK.tokenize("The [MASK]!"));
        // Only the exact spelling is special; "[mask]" is ordinary text: [, mask, ] (unknown pieces here).
        assertEquals(List.of("the", "[UNK]", "[UNK]", "[UNK]"), TOK.tokenize("the [mask]"));
    }

    @Test
    void truncationOfASingleTextKeepsRoomForSpecialTokens() {
        Encoding e = TOK.encode("the whale the whale the whale", null, EncodeOptions.DEFAULT.truncateTo(4));
        assertEquals(List.of("[CLS]", "the", "whale", "[SEP]"), e.tokens());
    }

    @Test
    void truncationOfPairsCutsTheLongerOneFirst() {
        String longText = "the whale the whale the whale the whale", shortText = "a whale";
        // 8 + 2 tokens, room for 9 - 3 = 6: the short text stays whole, the long one keeps 4.
        Encoding e = TOK.encode(longText, shortText, EncodeOptions.DEFAULT.truncateTo(9));
        assertEquals(List.of("[CLS]", "the", "whale", "the", "whale", "[SEP]", "a", "whale", "[SEP]"), e.tokens());
        // When both are too long each gets half; an odd token goes to the longer one.
        Encoding both = TOK.encode("the whale the whale the", "a a a a a a", EncodeOptions.DEFAULT.withoutSpecialTokens().truncateTo(5));
        assertEquals(List.of("the", "whale", "a", "a", "a"), both.tokens());
        assertThrows(IllegalArgumentException.class, () -> TOK.encode("the", "a", EncodeOptions.DEFAULT.truncateTo(2)));
    }

    @Test
    void withTruncationATextIsReadOnlyUpToTheMaxLengthWordByWord() {
        // As HF tokenizers 0.23 does: the word that reaches the limit is kept whole; added tokens count but never stop.
        assertEquals(List.of("the", "the", "the", "the", "the", "un", "##aff", "##able"),
                tokens(TOK.textIds("the the the the the unaffable the", 6)));
        assertEquals(7, TOK.textIds("the the the the the [MASK] the the", 6).size());
        assertEquals(6, TOK.textIds("the the the the the the [MASK]", 6).size());
        assertEquals(9, TOK.textIds("the the the the the the the the the", 0).size()); // 0: no limit
    }

    @Test
    void whichTextOfAPairIsLongerIsDecidedOnWhatWasRead() {
        // Both need cutting to 6 - 3 = 3 tokens, so the longer keeps 2 and the shorter 1. Read up to 6 tokens, the
        // first text has 8 (its last word whole) against 6, so it is the longer, though the second has 9 in all.
        Encoding e = TOK.encode("the the the the the unaffable", "a a a a a a a a a", EncodeOptions.DEFAULT.truncateTo(6));
        assertEquals(List.of("[CLS]", "the", "the", "[SEP]", "a", "[SEP]"), e.tokens());
        // The [MASK] does not stop the first text at 6, so it reads 7 against 6 and is the longer again.
        Encoding masked = TOK.encode("the the the the the [MASK] the", "a a a a a a a", EncodeOptions.DEFAULT.truncateTo(6));
        assertEquals(List.of("[CLS]", "the", "the", "[SEP]", "a", "[SEP]"), masked.tokens());
        // Equal lengths read: the second text gets the odd token.
        Encoding tie = TOK.encode("the the the the the the the", "a a a a a a", EncodeOptions.DEFAULT.truncateTo(6));
        assertEquals(List.of("[CLS]", "the", "[SEP]", "a", "a", "[SEP]"), tie.tokens());
    }

    private static List<String> tokens(List<Integer> ids) {
        return ids.stream().map(VOCAB::token).toList();
    }

    @Test
    void paddingAppendsPadTokensWithZeroAttention() {
        Encoding e = TOK.encode("the whale", null, EncodeOptions.DEFAULT.padTo(6));
        assertEquals(List.of("[CLS]", "the", "whale", "[SEP]", "[PAD]", "[PAD]"), e.tokens());
        assertArrayEquals(new int[] {2, 8, 9, 3, 0, 0}, e.ids());
        assertArrayEquals(new int[] {1, 1, 1, 1, 0, 0}, e.attentionMask());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0}, e.typeIds());
    }

    @Test
    void batchesCanBePaddedToTheirLongestMember() {
        List<Encoding> batch = TOK.encodeBatch(List.of("the", "the whale whale", "a"), EncodeOptions.DEFAULT.padToLongest());
        for (Encoding e : batch) assertEquals(5, e.length());
        assertArrayEquals(new int[] {1, 1, 1, 0, 0}, batch.get(0).attentionMask());
        List<Encoding> pairs = TOK.encodeBatch(List.of("the", "a"), List.of("whale", "whale !"), EncodeOptions.DEFAULT);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, pairs.get(1).typeIds());
        assertEquals(List.of("[CLS]", "a", "[SEP]", "whale", "!", "[SEP]"), pairs.get(1).tokens());
    }

    @Test
    void decodingJoinsPiecesAndDropsSpecialTokens() {
        Encoding e = TOK.encode("Unaffable, the whale!");
        assertEquals("unaffable, the whale!", TOK.decode(e.ids()));
        assertEquals("[CLS] unaffable, the whale! [SEP]", TOK.decode(e.ids(), false));
        // Over the whole text, as transformers' decode: an apostrophe between two words closes up.
        BertTokenizer t = new BertTokenizer(new Vocab(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "don", "'", "t", "stop", ",", "he")));
        assertEquals("don't stop, he", t.decode(t.encode("don't stop, he").ids()));
    }
}
