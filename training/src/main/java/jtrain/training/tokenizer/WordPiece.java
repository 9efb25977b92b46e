package jtrain.training.tokenizer;

import java.util.List;

/**
 * The WordPiece model: splits one pre-tokenized word into vocabulary pieces, greedily taking the longest piece
 * that matches at each position. Pieces after the first carry the continuation prefix ("##ing"), so the model can
 * tell a word start from a word middle. A word that cannot be covered completely, or that is longer than
 * maxInputCharsPerWord code points, becomes the single unknown token: a partial split would be misleading.
 */
public record WordPiece(Vocab vocab, String unkToken, String continuingSubwordPrefix, int maxInputCharsPerWord) {
    public static final String DEFAULT_PREFIX = "##";
    public static final int DEFAULT_MAX_INPUT_CHARS = 100;

    public WordPiece {
        if (!vocab.contains(unkToken)) throw new IllegalArgumentException("unknown token '" + unkToken + "' is not in the vocabulary");
    }

    public WordPiece(Vocab vocab) {
        this(vocab, "[UNK]", DEFAULT_PREFIX, DEFAULT_MAX_INPUT_CHARS);
    }

    /** Appends the ids of word's pieces to out. */
    public void tokenize(String word, List<Integer> out) {
        // Lengths are counted in code points, so an emoji (two Java chars) counts once, as in Rust.
        if (word.codePointCount(0, word.length()) > maxInputCharsPerWord) {
            out.add(vocab.id(unkToken));
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < word.length()) {
            // Candidates longer than the longest vocabulary entry cannot match, so long words stay cheap.
            int end = Math.min(word.length(), start + vocab.maxTokenLength());
            if (end < word.length() && Character.isLowSurrogate(word.charAt(end)) && Character.isHighSurrogate(word.charAt(end - 1))) end--;
            int found = -1;
            while (start < end) {
                String piece = start == 0 ? word.substring(0, end) : continuingSubwordPrefix + word.substring(start, end);
                found = vocab.id(piece);
                if (found >= 0) break;
                end = word.offsetByCodePoints(end, -1); // never cut a surrogate pair in half
            }
            if (found < 0) {
                out.subList(mark, out.size()).clear();
                out.add(vocab.id(unkToken));
                return;
            }
            out.add(found);
            start = end;
        }
    }
}
