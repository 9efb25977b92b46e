package jtrain.training.tokenizer;

import java.util.List;

/** The names of BERT's special tokens; the defaults are the ones every BERT vocabulary uses. */
public record SpecialTokens(String pad, String unk, String cls, String sep, String mask) {
    public static final SpecialTokens BERT = new SpecialTokens("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    /** In the order a trained vocabulary puts them first (ids 0..4). */
    public List<String> all() {
        return List.of(pad, unk, cls, sep, mask);
    }

    public SpecialTokens withUnk(String unkToken) {
        return new SpecialTokens(pad, unkToken, cls, sep, mask);
    }
}
