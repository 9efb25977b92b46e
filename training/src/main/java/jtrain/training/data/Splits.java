package jtrain.training.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Deterministic document-level splits: a document's split depends only on its id and the seed (not on the order or
 * number of documents loaded), so every passage or sentence of a document lands on the same side and a test document
 * never leaks into training. Default proportions 80/10/10.
 */
public final class Splits {
    private Splits() {}

    /** The seed the CLI uses unless told otherwise. */
    public static final long DEFAULT_SEED = 42;
    public static final double TRAIN_FRACTION = 0.8;
    public static final double DEV_FRACTION = 0.1;

    public static Split of(String docId, long seed) {
        double u = unit(docId, seed);
        if (u < TRAIN_FRACTION) return Split.TRAIN;
        return u < TRAIN_FRACTION + DEV_FRACTION ? Split.DEV : Split.TEST;
    }

    /** A number in [0, 1) that is a fixed function of (docId, seed): FNV-1a over the UTF-8 bytes, then a mixer. */
    public static double unit(String docId, long seed) {
        long h = 0xcbf29ce484222325L ^ mix(seed);
        for (byte b : docId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return (mix(h) >>> 11) * 0x1.0p-53;
    }

    /** splitmix64's finaliser: FNV alone leaves similar ids ("ca01", "ca02") with correlated high bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Groups items by the split of their document. */
    public static <T> Map<Split, List<T>> partition(List<T> items, Function<T, String> docId, long seed) {
        Map<Split, List<T>> out = new EnumMap<>(Split.class);
        for (Split s : Split.values()) out.put(s, new ArrayList<>());
        for (T t : items) out.get(of(docId.apply(t), seed)).add(t);
        return out;
    }
}
