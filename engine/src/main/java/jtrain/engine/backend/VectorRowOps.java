package jtrain.engine.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 kernels that work row by row over the last dimension of dense arrays (rows x c, each operand at its own
 * offset): softmax and log-softmax with their backward passes, LayerNorm forward/backward, and the cross-entropy
 * pieces. Rows are independent, so threads split them; row statistics are reduced in float vector lanes.
 */
final class VectorRowOps {
    private VectorRowOps() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Runs body over row ranges, in parallel once there are enough elements. */
    static void rows(int rows, int c, Parallel.Range body) {
        Parallel.forRange(rows, Math.max(1, VectorElementwise.GRAIN / Math.max(1, c)), body);
    }

    /**
     * Writes exp(x - shift) for the row into out and returns its sum. Every vector stays masked here: with unmasked
     * loads and stores (a body plus a masked tail, or even unmasked alone) C2 boxed vectors and the (16384, 128)
     * softmax allocated 11.3 instead of 9.7 MB per call and ran 10-20% slower (JMH -prof gc).
     */
    private static float expShifted(float[] x, int xo, float shift, float[] out, int oo, int c) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < c; j += L) {
            VectorMask<Float> m = S.indexInRange(j, c);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xo + j, m).sub(shift));
            e.intoArray(out, oo + j, m);
            acc = acc.add(e, m);
        }
        return VectorMath.sumLanes(acc);
    }

    /** log(sum(exp(row))) computed stably; -inf for a row of -inf. Sums as expShifted does, storing nothing. */
    static float logSumExp(float[] x, int xo, int c) {
        float max = VectorReduce.max(x, xo, c);
        if (max == Float.NEGATIVE_INFINITY) return max;
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < c; j += L) {
            VectorMask<Float> m = S.indexInRange(j, c);
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, x, xo + j, m).sub(max)), m);
        }
        return max + (float) Math.log(VectorMath.sumLanes(acc));
    }

    static void softmax(float[] x, int xOff, float[] y, int rows, int c) {
        rows(rows, c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = xOff + r * c, yo = r * c;
                float max = VectorReduce.max(x, xo, c);
                float inv = 1f / expShifted(x, xo, max, y, yo, c);
                int j = 0;
                for (; j <= c - L; j += L) FloatVector.fromArray(S, y, yo + j).mul(inv).intoArray(y, yo + j);
                if (j < c) {
                    VectorMask<Float> m = S.indexInRange(j, c);
                    FloatVector.fromArray(S, y, yo + j, m).mul(inv).intoArray(y, yo + j, m);
                }
            }
        });
    }

    static void logSoftmax(float[] x, int xOff, float[] y, int rows, int c) {
        rows(rows, c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = xOff + r * c, yo = r * c;
                float lse = logSumExp(x, xo, c);
                int j = 0;
                for (; j <= c - L; j += L) FloatVector.fromArray(S, x, xo + j).sub(lse).intoArray(y, yo + j);
                if (j < c) {
                    VectorMask<Float> m = S.indexInRange(j, c);
                    FloatVector.fromArray(S, x, xo + j, m).sub(lse).intoArray(y, yo + j, m);
                }
            }
        });
    }

    /**
     * gx = y * (gy - sum(gy * y)). The full vectors of a row run unmasked and only its tail masked (the same lanes
     * and order as masking every vector, so the same bits): masked loads and stores in every iteration made this
     * pass, on the attention's 128-wide rows, run at a fraction of the memory bandwidth.
     */
    static void softmaxBackward(float[] y, int yOff, float[] gy, int gOff, float[] gx, int rows, int c) {
        int full = c - c % L;
        rows(rows, c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int yo = yOff + r * c, go = gOff + r * c, xo = r * c;
                FloatVector acc = FloatVector.zero(S);
                int j = 0;
                for (; j < full; j += L) acc = FloatVector.fromArray(S, y, yo + j).fma(FloatVector.fromArray(S, gy, go + j), acc);
                VectorMask<Float> tail = S.indexInRange(full, c);
                if (full < c) acc = FloatVector.fromArray(S, y, yo + full, tail).fma(FloatVector.fromArray(S, gy, go + full, tail), acc);
                float dot = VectorMath.sumLanes(acc);
                for (j = 0; j < full; j += L) {
                    FloatVector yv = FloatVector.fromArray(S, y, yo + j);
                    yv.mul(FloatVector.fromArray(S, gy, go + j).sub(dot)).intoArray(gx, xo + j);
                }
                if (full < c) {
                    FloatVector yv = FloatVector.fromArray(S, y, yo + full, tail);
                    yv.mul(FloatVector.fromArray(S, gy, go + full, tail).sub(dot)).intoArray(gx, xo + full, tail);
                }
            }
        });
    }

    /** gx = gy - exp(y) * sum(gy). */
    static void logSoftmaxBackward(float[] y, int yOff, float[] gy, int gOff, float[] gx, int rows, int c) {
        rows(rows, c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int yo = yOff + r * c, go = gOff + r * c, xo = r * c;
                float s = VectorReduce.sum(gy, go, c);
                int full = c - c % L;
                for (int j = 0; j < full; j += L) {
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(S, y, yo + j));
                    FloatVector.fromArray(S, gy, go + j).sub(e.mul(s)).intoArray(gx, xo + j);
                }
                if (full < c) logSoftmaxBackwardTail(y, yo + full, gy, go + full, s, gx, xo + full, c - full);
            }
        });
    }

    /**
     * The row's last n < L elements, masked. The full vectors above run unmasked (masked loads and stores are slow on
     * AVX2, which has no mask registers: this pass ran 2x slower); the tail has a method of its own so that the row
     * loop's compilation inlines exp only once (the softmax above keeps every vector masked for that reason).
     */
    private static void logSoftmaxBackwardTail(float[] y, int yo, float[] gy, int go, float s, float[] gx, int xo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        FloatVector e = VectorMath.exp(FloatVector.fromArray(S, y, yo, m));
        FloatVector.fromArray(S, gy, go, m).sub(e.mul(s)).intoArray(gx, xo, m);
    }

    /**
     * y = (x - mean) * rstd * gamma + beta per row; saves mean and rstd. gamma and beta are dense (c). Full vectors
     * unmasked, the tail masked (the same lanes and order as masking every vector, which was slower).
     */
    static void layerNorm(float[] x, int xOff, float[] gamma, int gamOff, float[] beta, int betOff, double eps,
                          float[] y, float[] mean, float[] rstd, int rows, int c) {
        int full = c - c % L;
        VectorMask<Float> tail = S.indexInRange(full, c);
        rows(rows, c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = xOff + r * c, yo = r * c;
                float mu = VectorReduce.sum(x, xo, c) / c;
                FloatVector acc = FloatVector.zero(S);
                for (int j = 0; j < full; j += L) {
                    FloatVector d = FloatVector.fromArray(S, x, xo + j).sub(mu);
                    acc = d.fma(d, acc);
                }
                if (full < c) {
                    FloatVector d = FloatVector.fromArray(S, x, xo + full, tail).sub(mu);
                    acc = d.fma(d, acc).blend(acc, tail.not());
                }
                float rs = (float) (1 / Math.sqrt(VectorMath.sumLanes(acc) / c + eps));
                for (int j = 0; j < full; j += L) {
                    FloatVector xhat = FloatVector.fromArray(S, x, xo + j).sub(mu).mul(rs);
                    xhat.fma(FloatVector.fromArray(S, gamma, gamOff + j), FloatVector.fromArray(S, beta, betOff + j))
                            .intoArray(y, yo + j);
                }
                if (full < c) {
                    FloatVector xhat = FloatVector.fromArray(S, x, xo + full, tail).sub(mu).mul(rs);
                    xhat.fma(FloatVector.fromArray(S, gamma, gamOff + full, tail), FloatVector.fromArray(S, beta, betOff + full, tail))
                            .intoArray(y, yo + full, tail);
                }
                mean[r] = mu;
                rstd[r] = rs;
            }
        });
    }

    /** Rows per partial ggamma/gbeta of the LayerNorm backward: fixed, so that the sums do not depend on threads. */
    static final int LN_CHUNK = 64;

    /**
     * gx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) with dxhat = gy * gamma; ggamma and gbeta
     * (zeroed, length c) receive the column sums of gy * xhat and gy. Rows go in fixed chunks of LN_CHUNK, each into
     * its own partial sums, which are then added in chunk order: the bits do not depend on the number of threads.
     */
    static void layerNormBackward(float[] gy, int gOff, float[] x, int xOff, float[] gamma, int gamOff, float[] mean,
                                  int mOff, float[] rstd, int rOff, float[] gx, float[] ggamma, float[] gbeta, int rows, int c) {
        int chunks = Math.max(1, (rows + LN_CHUNK - 1) / LN_CHUNK);
        float[][] pg = new float[chunks][], pb = new float[chunks][];
        int grain = (long) rows * c >= 2L * VectorElementwise.GRAIN ? 1 : Integer.MAX_VALUE;
        Parallel.forRange(chunks, grain, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                float[] gg = p == 0 ? ggamma : new float[c], gb = p == 0 ? gbeta : new float[c];
                pg[p] = gg;
                pb[p] = gb;
                for (int r = p * LN_CHUNK; r < Math.min(rows, (p + 1) * LN_CHUNK); r++) {
                    layerNormBackwardRow(gy, gOff + r * c, x, xOff + r * c, gamma, gamOff, mean[mOff + r], rstd[rOff + r],
                            gx, r * c, gg, gb, c);
                }
            }
        });
        for (int p = 1; p < chunks; p++) {
            for (int j = 0; j < c; j += L) {
                VectorMask<Float> m = S.indexInRange(j, c);
                FloatVector.fromArray(S, ggamma, j, m).add(FloatVector.fromArray(S, pg[p], j, m)).intoArray(ggamma, j, m);
                FloatVector.fromArray(S, gbeta, j, m).add(FloatVector.fromArray(S, pb[p], j, m)).intoArray(gbeta, j, m);
            }
        }
    }

    /** One row of the LayerNorm backward: full vectors unmasked, the tail masked (masking every vector was slower). */
    private static void layerNormBackwardRow(float[] gy, int go, float[] x, int xo, float[] gamma, int gamOff, float mu,
                                             float rs, float[] gx, int oo, float[] gg, float[] gb, int c) {
        int full = c - c % L;
        VectorMask<Float> tail = S.indexInRange(full, c);
        FloatVector sDx = FloatVector.zero(S), sDxX = sDx;
        for (int j = 0; j < full; j += L) {
            FloatVector g = FloatVector.fromArray(S, gy, go + j);
            FloatVector xhat = FloatVector.fromArray(S, x, xo + j).sub(mu).mul(rs);
            FloatVector dxhat = g.mul(FloatVector.fromArray(S, gamma, gamOff + j));
            sDx = sDx.add(dxhat);
            sDxX = dxhat.fma(xhat, sDxX);
            g.fma(xhat, FloatVector.fromArray(S, gg, j)).intoArray(gg, j);
            g.add(FloatVector.fromArray(S, gb, j)).intoArray(gb, j);
        }
        if (full < c) {
            FloatVector g = FloatVector.fromArray(S, gy, go + full, tail);
            FloatVector xhat = FloatVector.fromArray(S, x, xo + full, tail).sub(mu).mul(rs);
            FloatVector dxhat = g.mul(FloatVector.fromArray(S, gamma, gamOff + full, tail));
            sDx = sDx.add(dxhat);
            sDxX = dxhat.fma(xhat, sDxX);
            g.fma(xhat, FloatVector.fromArray(S, gg, full, tail)).intoArray(gg, full, tail);
            g.add(FloatVector.fromArray(S, gb, full, tail)).intoArray(gb, full, tail);
        }
        float meanDx = VectorMath.sumLanes(sDx) / c, meanDxX = VectorMath.sumLanes(sDxX) / c;
        for (int j = 0; j < full; j += L) {
            FloatVector xhat = FloatVector.fromArray(S, x, xo + j).sub(mu).mul(rs);
            FloatVector dxhat = FloatVector.fromArray(S, gy, go + j).mul(FloatVector.fromArray(S, gamma, gamOff + j));
            dxhat.sub(meanDx).sub(xhat.mul(meanDxX)).mul(rs).intoArray(gx, oo + j);
        }
        if (full < c) {
            FloatVector xhat = FloatVector.fromArray(S, x, xo + full, tail).sub(mu).mul(rs);
            FloatVector dxhat = FloatVector.fromArray(S, gy, go + full, tail).mul(FloatVector.fromArray(S, gamma, gamOff + full, tail));
            dxhat.sub(meanDx).sub(xhat.mul(meanDxX)).mul(rs).intoArray(gx, oo + full, tail);
        }
    }

    /** g[i, :] = (softmax(logits[i]) - onehot(t_i)) * scale for rows whose target is not ignored (others stay 0). */
    static void crossEntropyBackward(float[] x, int xOff, float[] lse, int lOff, int[] targets, int tOff, int ignoreIndex,
                                     float scale, float[] g, int rows, int c) {
        rows(rows, c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int t = targets[tOff + r];
                if (t == ignoreIndex) continue;
                int xo = xOff + r * c, go = r * c;
                float l = lse[lOff + r];
                int full = c - c % L;
                for (int j = 0; j < full; j += L) {
                    VectorMath.exp(FloatVector.fromArray(S, x, xo + j).sub(l)).mul(scale).intoArray(g, go + j);
                }
                if (full < c) crossEntropyBackwardTail(x, xo + full, l, scale, g, go + full, c - full);
                g[go + t] -= scale;
            }
        });
    }

    /** The row's last n < L elements, masked, in a method of its own (see logSoftmaxBackwardTail). */
    private static void crossEntropyBackwardTail(float[] x, int xo, float l, float scale, float[] g, int go, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.exp(FloatVector.fromArray(S, x, xo, m).sub(l)).mul(scale).intoArray(g, go, m);
    }
}
