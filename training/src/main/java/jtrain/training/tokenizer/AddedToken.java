package jtrain.training.tokenizer;

/**
 * A non-special entry of tokenizer.json's added_tokens: a vocabulary token that is matched in the text before
 * pre-tokenization, so it stays whole (as HF's AddedVocabulary does). normalized: matched in the normalised text
 * (by its own normalised form), else in the raw text.
 */
public record AddedToken(String content, boolean normalized) {
    public AddedToken {
        if (content == null || content.isEmpty()) throw new IllegalArgumentException("an added token needs content");
    }
}
