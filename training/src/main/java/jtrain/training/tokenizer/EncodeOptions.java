package jtrain.training.tokenizer;

/**
 * How to encode: with or without [CLS]/[SEP], truncation to a maximum length (special tokens included, 0 = none),
 * padding to a fixed length (0 = none) or, for batches, to the longest encoding of the batch.
 */
public record EncodeOptions(boolean addSpecialTokens, int maxLength, int padLength, boolean padLongest) {
    public static final EncodeOptions DEFAULT = new EncodeOptions(true, 0, 0, false);

    public EncodeOptions {
        if (maxLength < 0 || padLength < 0) throw new IllegalArgumentException("lengths must be >= 0");
    }

    public EncodeOptions withoutSpecialTokens() {
        return new EncodeOptions(false, maxLength, padLength, padLongest);
    }

    public EncodeOptions truncateTo(int length) {
        return new EncodeOptions(addSpecialTokens, length, padLength, padLongest);
    }

    public EncodeOptions padTo(int length) {
        return new EncodeOptions(addSpecialTokens, maxLength, length, padLongest);
    }

    public EncodeOptions padToLongest() {
        return new EncodeOptions(addSpecialTokens, maxLength, padLength, true);
    }
}
