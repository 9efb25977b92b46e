package jtrain.training.pretrain;

import java.util.ArrayList;
import java.util.List;

import jtrain.training.data.Document;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.EncodeOptions;

/**
 * Packs tokenised documents into fixed-length training sequences: the documents' tokens are joined with [SEP]
 * between documents and cut into blocks of maxLen-2, each wrapped as [CLS] block [SEP], so no position is wasted
 * on padding except in the final block.
 */
public final class Packing {
    private Packing() {}

    /** Tokenises each document (no special tokens) and packs them with the tokenizer's [CLS]/[SEP]; see pack. */
    public static List<int[]> packDocuments(BertTokenizer tok, List<Document> docs, int maxLen) {
        return packTexts(tok, docs.stream().map(Document::text).toList(), maxLen);
    }

    /** The same for plain strings, one document each (e.g. text an application holds in memory). */
    public static List<int[]> packTexts(BertTokenizer tok, List<String> texts, int maxLen) {
        List<int[]> ids = new ArrayList<>();
        EncodeOptions plain = EncodeOptions.DEFAULT.withoutSpecialTokens();
        for (String text : texts) ids.add(tok.encode(text, null, plain).ids());
        var v = tok.vocab();
        return pack(ids, maxLen, v.id(tok.specialTokens().cls()), v.id(tok.specialTokens().sep()), 8);
    }

    /** Sequences of at most maxLen ids (only the last may be shorter); blocks shorter than minLen are dropped. */
    public static List<int[]> pack(Iterable<int[]> documents, int maxLen, int clsId, int sepId, int minLen) {
        if (maxLen < 3) throw new IllegalArgumentException("max length must be at least 3, got " + maxLen);
        int block = maxLen - 2;
        List<int[]> out = new ArrayList<>();
        int[] buf = new int[block];
        int n = 0;
        boolean first = true;
        for (int[] doc : documents) {
            if (doc.length == 0) continue;
            if (!first) {
                buf[n++] = sepId;
                if (n == block) {
                    out.add(wrap(buf, n, clsId, sepId));
                    n = 0;
                }
            }
            first = false;
            for (int id : doc) {
                buf[n++] = id;
                if (n == block) {
                    out.add(wrap(buf, n, clsId, sepId));
                    n = 0;
                }
            }
        }
        if (n + 2 >= minLen && n > 0) out.add(wrap(buf, n, clsId, sepId));
        return out;
    }

    private static int[] wrap(int[] buf, int n, int clsId, int sepId) {
        int[] seq = new int[n + 2];
        seq[0] = clsId;
        System.arraycopy(buf, 0, seq, 1, n);
        seq[n + 1] = sepId;
        return seq;
    }
}
