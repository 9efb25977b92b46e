package jtrain.engine.backend;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import jtrain.engine.CpuStorage;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend.Binary;
import jtrain.engine.backend.Backend.Unary;

/**
 * F32 elementwise kernels (copy, fill, unary, binary, where, in-place add and scale) over any strided views, via
 * {@link Strided}: unit-stride spans are processed with vectors (masked tails), stride-0 operands as broadcast
 * vectors, and other strides are first gathered into a small per-thread buffer.
 *
 * <p>Each op's vector body sits in a switch inside the span loop rather than behind a lambda: every vector value
 * must stay inside one compiled method, since passing vectors through a call that is not inlined boxes them. For
 * the same reason exp, tanh and GELU (and GELU's backward) have loops of their own: in the shared switch, their
 * bodies exceeded C2's inlining node budget.
 */
final class VectorElementwise {
    private VectorElementwise() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements per thread below which splitting across threads costs more than it saves. */
    static final int GRAIN = 1 << 15;
    /** Gathered (non-unit stride) operands are processed in chunks of this many elements. */
    private static final int CHUNK = 1024;
    private static final ThreadLocal<float[][]> GATHER = ThreadLocal.withInitial(() -> new float[][] {new float[CHUNK], new float[CHUNK]});

    static float[] f32(Tensor t) {
        return ((CpuStorage) t.storage()).f32;
    }

    // ---- copy and fill ----------------------------------------------------------------------------------------

    static void copy(Tensor src, Tensor dst) {
        float[] s = f32(src), d = f32(dst);
        Tensor[] ordered = inSourceOrder(src, dst);
        Strided w = Strided.of(ordered[1], ordered[0]);
        int ds = w.innerStrides[0], ss = w.innerStrides[1];
        w.forEach(GRAIN, (o, len) -> {
            int od = o[0], os = o[1];
            if (ds == 1 && ss == 1) {
                System.arraycopy(s, os, d, od, len);
            } else if (ss == 0 && ds == 1) {
                Arrays.fill(d, od, od + len, s[os]);
            } else {
                for (int i = 0; i < len; i++) d[od + i * ds] = s[os + i * ss];
            }
        });
    }

    /**
     * {src, dst} with their dimensions reordered by src's strides, largest first, when both keep a unit-stride last
     * dimension: the copy then reads src front to back and writes spans scattered over dst. Reading the spans
     * scattered instead (q, k, v of shape (B, T, H, D) split into heads) ran at half the speed; each element is
     * still copied once, so the order does not change the result.
     */
    private static Tensor[] inSourceOrder(Tensor src, Tensor dst) {
        int rank = src.rank();
        Tensor[] same = {src, dst};
        if (rank < 3 || src.isContiguous() || src.stride(rank - 1) != 1 || dst.stride(rank - 1) != 1) return same;
        Integer[] order = new Integer[rank];
        for (int d = 0; d < rank; d++) order[d] = d;
        Arrays.sort(order, (a, b) -> Integer.compare(src.stride(b), src.stride(a))); // stable: ties keep their order
        if (order[rank - 1] != rank - 1) return same;
        int[] shape = new int[rank], srcStrides = new int[rank], dstStrides = new int[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = src.size(order[d]);
            srcStrides[d] = src.stride(order[d]);
            dstStrides[d] = dst.stride(order[d]);
        }
        return new Tensor[] {new Tensor(src.storage(), shape, srcStrides, src.offset()),
                new Tensor(dst.storage(), shape, dstStrides, dst.offset())};
    }

    static void fill(Tensor dst, float value) {
        float[] d = f32(dst);
        Strided w = Strided.of(dst);
        int ds = w.innerStrides[0];
        w.forEach(GRAIN, (o, len) -> {
            if (ds == 1) Arrays.fill(d, o[0], o[0] + len, value);
            else for (int i = 0; i < len; i++) d[o[0] + i * ds] = value;
        });
    }

    // ---- unary ------------------------------------------------------------------------------------------------

    /**
     * out (contiguous, same shape as x) = op(x). GELU, exp and tanh each have a lambda of their own, hence a
     * compilation of their own (Parallel and Strided call every lambda from one shared call site, which C2 does not
     * inline): in one lambda with a switch over the ops a run uses, C2 reached its node budget before it had inlined
     * GELU's erf and exp, and boxed every vector passed to the call it left (151 MB allocated per 4096 x 1024 GELU
     * whose output is 16.8 MB, 3-4x slower, in a JVM that had also run exp).
     */
    static void unary(Unary op, Tensor x, Tensor out) {
        float[] xa = f32(x), oa = f32(out);
        Strided w = Strided.of(out, x);
        int xs = w.innerStrides[1];
        switch (op) {
            case GELU -> w.forEach(GRAIN / 4, (o, len) -> {
                for (int c = 0; c < len; c += CHUNK) {
                    int n = Math.min(CHUNK, len - c), so = o[1] + c * xs;
                    VectorGelu.forward(dense(xa, so, xs, n), xs == 1 ? so : 0, oa, o[0] + c, n);
                }
            });
            case EXP -> w.forEach(GRAIN / 4, (o, len) -> {
                for (int c = 0; c < len; c += CHUNK) {
                    int n = Math.min(CHUNK, len - c), so = o[1] + c * xs;
                    expSpan(dense(xa, so, xs, n), xs == 1 ? so : 0, oa, o[0] + c, n);
                }
            });
            case TANH -> w.forEach(GRAIN / 4, (o, len) -> {
                for (int c = 0; c < len; c += CHUNK) {
                    int n = Math.min(CHUNK, len - c), so = o[1] + c * xs;
                    tanhSpan(dense(xa, so, xs, n), xs == 1 ? so : 0, oa, o[0] + c, n);
                }
            });
            default -> w.forEach(GRAIN / 4, (o, len) -> {
                for (int c = 0; c < len; c += CHUNK) {
                    int n = Math.min(CHUNK, len - c), so = o[1] + c * xs;
                    simpleUnarySpan(op, dense(xa, so, xs, n), xs == 1 ? so : 0, oa, o[0] + c, n);
                }
            });
        }
    }

    /** x itself when its stride is 1 (the span starts at off), else its n elements from off gathered into a buffer at 0. */
    private static float[] dense(float[] x, int off, int stride, int n) {
        return stride == 1 ? x : gather(0, x, off, stride, n);
    }

    private static float[] gather(int which, float[] a, int off, int stride, int n) {
        float[] buf = GATHER.get()[which];
        for (int i = 0; i < n; i++) buf[i] = a[off + i * stride];
        return buf;
    }

    // Full vectors unmasked, then the tail masked in a method of its own (as VectorGelu, and for its reasons).

    private static void expSpan(float[] x, int xo, float[] out, int oo, int n) {
        int full = n - n % L;
        for (int i = 0; i < full; i += L) VectorMath.exp(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        if (full < n) expTail(x, xo + full, out, oo + full, n - full);
    }

    private static void expTail(float[] x, int xo, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.exp(FloatVector.fromArray(S, x, xo, m)).intoArray(out, oo, m);
    }

    private static void tanhSpan(float[] x, int xo, float[] out, int oo, int n) {
        int full = n - n % L;
        for (int i = 0; i < full; i += L) VectorMath.tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        if (full < n) tanhTail(x, xo + full, out, oo + full, n - full);
    }

    private static void tanhTail(float[] x, int xo, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.tanh(FloatVector.fromArray(S, x, xo, m)).intoArray(out, oo, m);
    }

    /** Full vectors unmasked, then one masked tail: a mask on every vector made these memory-bound passes ~2x slower. */
    private static void simpleUnarySpan(Unary op, float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) simpleUnary(op, FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            simpleUnary(op, FloatVector.fromArray(S, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    private static FloatVector simpleUnary(Unary op, FloatVector v) {
        return switch (op) {
            case NEG -> v.neg();
            case LOG -> logExact(v); // scalar Math.log: the same bits interpreted and compiled
            case SQRT -> v.sqrt();
            case RSQRT -> FloatVector.broadcast(S, 1f).div(v.sqrt());
            case EXP, TANH, GELU -> throw new AssertionError(op + " has its own loop");
            case RECIPROCAL -> FloatVector.broadcast(S, 1f).div(v);
            case SQUARE -> v.mul(v);
            case ABS -> v.abs();
        };
    }

    private static FloatVector logExact(FloatVector v) {
        float[] lanes = v.toArray();
        for (int i = 0; i < lanes.length; i++) lanes[i] = (float) Math.log(lanes[i]);
        return FloatVector.fromArray(S, lanes, 0);
    }

    // ---- binary -----------------------------------------------------------------------------------------------

    /** out (contiguous) = op(a, b) for views of out's shape; out may be a itself (in-place accumulation). */
    static void binary(Binary op, Tensor a, Tensor b, Tensor out) {
        float[] aa = f32(a), ba = f32(b), oa = f32(out);
        Strided w = Strided.of(out, a, b);
        int as = w.innerStrides[1], bs = w.innerStrides[2];
        if (op == Binary.GELU_BACKWARD) {
            // A lambda of its own, for the reason unary gives; over dense spans: a broadcast operand is spread out
            // like a strided one.
            w.forEach(GRAIN / 2, (o, len) -> {
                for (int c = 0; c < len; c += CHUNK) {
                    int n = Math.min(CHUNK, len - c), xo = o[1] + c * as, yo = o[2] + c * bs;
                    float[] x = as == 1 ? aa : gather(0, aa, xo, as, n), y = bs == 1 ? ba : gather(1, ba, yo, bs, n);
                    VectorGelu.backward(x, as == 1 ? xo : 0, y, bs == 1 ? yo : 0, oa, o[0] + c, n);
                }
            });
            return;
        }
        w.forEach(GRAIN / 2, (o, len) -> {
            for (int c = 0; c < len; c += CHUNK) {
                int n = Math.min(CHUNK, len - c);
                float[] x = aa, y = ba;
                int xo = o[1] + c * as, yo = o[2] + c * bs;
                if (as > 1 || as < 0) {
                    x = gather(0, aa, xo, as, n);
                    xo = 0;
                }
                if (bs > 1 || bs < 0) {
                    y = gather(1, ba, yo, bs, n);
                    yo = 0;
                }
                if (op == Binary.POW) {
                    int xst = as == 0 ? 0 : 1, yst = bs == 0 ? 0 : 1, oo = o[0] + c;
                    for (int i = 0; i < n; i++) out(oa, oo + i, Math.pow(x[xo + i * xst], y[yo + i * yst]));
                } else {
                    binarySpan(op, x, xo, as == 0, y, yo, bs == 0, oa, o[0] + c, n);
                }
            }
        });
    }

    private static void out(float[] o, int i, double v) {
        o[i] = (float) v;
    }

    /** Full vectors unmasked, then one masked tail (as {@link #simpleUnarySpan}); a broadcast operand is one vector. */
    private static void binarySpan(Binary op, float[] x, int xo, boolean xBroadcast, float[] y, int yo, boolean yBroadcast,
                                   float[] out, int oo, int n) {
        FloatVector xc = FloatVector.broadcast(S, x[xo]), yc = FloatVector.broadcast(S, y[yo]);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector u = xBroadcast ? xc : FloatVector.fromArray(S, x, xo + i);
            FloatVector v = yBroadcast ? yc : FloatVector.fromArray(S, y, yo + i);
            binary(op, u, v).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector u = xBroadcast ? xc : FloatVector.fromArray(S, x, xo + i, m);
            FloatVector v = yBroadcast ? yc : FloatVector.fromArray(S, y, yo + i, m);
            binary(op, u, v).intoArray(out, oo + i, m);
        }
    }

    private static FloatVector binary(Binary op, FloatVector u, FloatVector v) {
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        return switch (op) {
            case ADD -> u.add(v);
            case SUB -> u.sub(v);
            case MUL -> u.mul(v);
            case DIV -> u.div(v);
            case MAX -> u.max(v);
            case MIN -> u.min(v);
            case EQ -> zero.blend(one, u.compare(VectorOperators.EQ, v));
            case GT -> zero.blend(one, u.compare(VectorOperators.GT, v));
            case LT -> zero.blend(one, u.compare(VectorOperators.LT, v));
            case GELU_BACKWARD, POW -> throw new AssertionError(op + " has its own loop");
        };
    }

    // ---- where, in-place ----------------------------------------------------------------------------------------

    /** out (contiguous) = cond != 0 ? a : b for views of out's shape; a and b F32, cond F32 or I32. */
    static void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        CpuStorage cst = (CpuStorage) cond.storage();
        float[] cf = cst.f32, aa = f32(a), ba = f32(b), oa = f32(out);
        int[] ci = cst.i32;
        Strided w = Strided.of(out, cond, a, b);
        int cs = w.innerStrides[1], as = w.innerStrides[2], bs = w.innerStrides[3];
        w.forEach(GRAIN, (o, len) -> {
            int oo = o[0], co = o[1], ao = o[2], bo = o[3];
            if (cf != null) {
                for (int i = 0; i < len; i++) oa[oo + i] = cf[co + i * cs] != 0 ? aa[ao + i * as] : ba[bo + i * bs];
            } else {
                for (int i = 0; i < len; i++) oa[oo + i] = ci[co + i * cs] != 0 ? aa[ao + i * as] : ba[bo + i * bs];
            }
        });
    }

    /** dst (contiguous) *= k. */
    static void scale(Tensor dst, float k) {
        float[] d = f32(dst);
        int off = dst.offset();
        Parallel.forRange(dst.numel(), GRAIN, (from, to) -> {
            int i = from;
            for (; i <= to - L; i += L) FloatVector.fromArray(S, d, off + i).mul(k).intoArray(d, off + i);
            if (i < to) {
                VectorMask<Float> m = S.indexInRange(i, to);
                FloatVector.fromArray(S, d, off + i, m).mul(k).intoArray(d, off + i, m);
            }
        });
    }
}
