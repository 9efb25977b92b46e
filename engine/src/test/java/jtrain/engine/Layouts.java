package jtrain.engine;

import jtrain.engine.backend.Backends;

/** Test helper: the same values as a given tensor, laid out as a random strided view. */
public final class Layouts {
    private Layouts() {}

    /**
     * A view with t's shape and values whose dimensions are stored in a random order, each padded by up to two
     * elements and starting at a random place (so strides are gapped and the offset is non-zero); the padding
     * holds NaN so reading outside the view shows. The view does not overlap itself, so it can be a leaf for
     * {@link GradCheck}.
     */
    public static Tensor scrambled(Tensor t, Rng rng) {
        int r = t.rank();
        int[] shape = t.shape();
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) perm[i] = i;
        for (int i = r - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        int[] padded = new int[r];
        for (int i = 0; i < r; i++) padded[i] = shape[perm[i]] + rng.nextInt(3);
        Tensor v = Tensor.full(Double.NaN, t.dtype(), t.device(), padded);
        for (int i = 0; i < r; i++) {
            int start = rng.nextInt(padded[i] - shape[perm[i]] + 1);
            v = v.slice(i, start, start + shape[perm[i]]);
        }
        int[] inverse = new int[r];
        for (int i = 0; i < r; i++) inverse[perm[i]] = i;
        Tensor out = v.permute(inverse).detach();
        Backends.of(out).copy(t, out);
        return out;
    }
}
