package jtrain.training.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * One encoded input, the four parallel arrays a BERT model consumes: token ids, the tokens themselves (for people
 * reading them), token type ids (0 = first segment, 1 = second) and the attention mask (1 = real token,
 * 0 = padding). Immutable; accessors hand out copies.
 */
public final class Encoding {
    private final int[] ids;
    private final String[] tokens;
    private final int[] typeIds;
    private final int[] attentionMask;

    public Encoding(int[] ids, String[] tokens, int[] typeIds, int[] attentionMask) {
        int n = ids.length;
        if (tokens.length != n || typeIds.length != n || attentionMask.length != n)
            throw new IllegalArgumentException("encoding arrays differ in length");
        this.ids = ids.clone();
        this.tokens = tokens.clone();
        this.typeIds = typeIds.clone();
        this.attentionMask = attentionMask.clone();
    }

    public int length() {
        return ids.length;
    }

    public int[] ids() {
        return ids.clone();
    }

    public List<String> tokens() {
        return List.of(tokens);
    }

    public int[] typeIds() {
        return typeIds.clone();
    }

    public int[] attentionMask() {
        return attentionMask.clone();
    }

    /** This encoding with padding appended up to length (mask 0, type 0); unchanged when already that long. */
    public Encoding padTo(int length, int padId, String padToken) {
        if (ids.length >= length) return this;
        int[] i = Arrays.copyOf(ids, length);
        String[] t = Arrays.copyOf(tokens, length);
        int[] ty = Arrays.copyOf(typeIds, length);
        int[] m = Arrays.copyOf(attentionMask, length);
        for (int k = ids.length; k < length; k++) {
            i[k] = padId;
            t[k] = padToken;
        }
        return new Encoding(i, t, ty, m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(tokens, e.tokens)
                && Arrays.equals(typeIds, e.typeIds) && Arrays.equals(attentionMask, e.attentionMask);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + Arrays.hashCode(typeIds);
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(tokens) + " ids=" + Arrays.toString(ids) + " types=" + Arrays.toString(typeIds);
    }
}
