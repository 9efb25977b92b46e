package jtrain.training.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT's pre-tokenizer: splits normalised text into words on whitespace and makes every punctuation character a
 * word of its own ("don't" becomes don, ', t). WordPiece then works on each word separately.
 */
public final class PreTokenizer {
    private PreTokenizer() {}

    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int start = -1; // start of the word being read, -1 between words
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (Chars.isWhitespace(c)) {
                if (start >= 0) words.add(text.substring(start, i));
                start = -1;
            } else if (Chars.isPunctuation(c)) {
                if (start >= 0) words.add(text.substring(start, i));
                words.add(text.substring(i, next));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
            i = next;
        }
        if (start >= 0) words.add(text.substring(start));
        return words;
    }
}
