package jtrain.engine.backend;

import jtrain.engine.CpuStorage;
import jtrain.engine.DType;
import jtrain.engine.Tensor;

/**
 * Vector API backend: F32 kernels vectorised with {@code jdk.incubator.vector} and split across cores
 * ({@link Parallel}). This class only dispatches: it checks that the operands are F32 (and dense where a kernel
 * needs it; strided inputs of row kernels are first copied densely, which is cheap next to the kernel) and hands the
 * raw arrays to Sgemm, VectorElementwise, VectorActivations, VectorReduce, VectorRowOps or VectorNn. F64, I32 and
 * other cases fall back to the reference kernels it extends.
 */
public class VectorBackend extends ReferenceBackend {
    /** True when the jdk.incubator.vector module is present in this JVM. */
    public static boolean isAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    @Override
    public String name() {
        return "vector";
    }

    private static boolean f32(Tensor... ts) {
        for (Tensor t : ts) {
            if (t.dtype() != DType.F32 || !(t.storage() instanceof CpuStorage)) return false;
        }
        return true;
    }

    private static boolean i32(Tensor t) {
        return t.dtype() == DType.I32 && t.storage() instanceof CpuStorage;
    }

    private static float[] f(Tensor t) {
        return host(t).f32;
    }

    /** t itself when contiguous (then element i of its row-major order is at offset + i), else a dense copy. */
    private Tensor dense(Tensor t) {
        if (t.isContiguous()) return t;
        Tensor c = newTensor(t.dtype(), t.shape());
        copy(t, c);
        return c;
    }

    // ---- memory and elementwise --------------------------------------------------------------------------------

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (f32(src, dst)) VectorElementwise.copy(src, dst);
        else super.copy(src, dst);
    }

    @Override
    public void fill(Tensor dst, double value) {
        if (f32(dst)) VectorElementwise.fill(dst, (float) value);
        else super.fill(dst, value);
    }

    @Override
    public Tensor unary(Unary op, Tensor x) {
        if (!f32(x)) return super.unary(op, x);
        Tensor out = newTensor(DType.F32, x.shape());
        VectorElementwise.unary(op, x, out);
        return out;
    }

    @Override
    public Tensor binary(Binary op, Tensor a, Tensor b) {
        if (!f32(a, b)) return super.binary(op, a, b);
        Tensor out = newTensor(DType.F32, a.shape());
        VectorElementwise.binary(op, a, b, out);
        return out;
    }

    @Override
    public Tensor activation(Activation op, double c, Tensor x) {
        if (!f32(x)) return super.activation(op, c, x);
        Tensor xd = dense(x), out = newTensor(DType.F32, x.shape());
        float[] xa = f(xd), oa = f(out);
        int xo = xd.offset();
        Parallel.forRange(x.numel(), VectorElementwise.GRAIN / 4,
                (from, to) -> VectorActivations.forward(op, c, xa, xo + from, oa, from, to - from));
        return out;
    }

    @Override
    public Tensor activationBackward(Activation op, double c, Tensor x, Tensor gy) {
        if (!f32(x, gy)) return super.activationBackward(op, c, x, gy);
        Tensor xd = dense(x), gd = dense(gy), out = newTensor(DType.F32, x.shape());
        float[] xa = f(xd), ga = f(gd), oa = f(out);
        int xo = xd.offset(), go = gd.offset();
        Parallel.forRange(x.numel(), VectorElementwise.GRAIN / 4,
                (from, to) -> VectorActivations.backward(op, c, xa, xo + from, ga, go + from, oa, from, to - from));
        return out;
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (!f32(a, b) || !(f32(cond) || i32(cond))) return super.where(cond, a, b);
        Tensor out = newTensor(DType.F32, a.shape());
        VectorElementwise.where(cond, a, b, out);
        return out;
    }

    @Override
    public void addInPlace(Tensor dst, Tensor src) {
        if (f32(dst, src) && dst.isContiguous()) VectorElementwise.binary(Binary.ADD, dst, src, dst);
        else super.addInPlace(dst, src);
    }

    @Override
    public void scaleInPlace(Tensor dst, Tensor scalar) {
        if (f32(dst) && dst.isContiguous()) VectorElementwise.scale(dst, (float) host(scalar).get(scalar.offset()));
        else super.scaleInPlace(dst, scalar);
    }

    // ---- reductions and products ---------------------------------------------------------------------------------

    @Override
    public Tensor reduce(Reduce op, Tensor x, boolean[] reduced) {
        int[] blocks = f32(x) ? VectorReduce.blocks(x.shape(), reduced) : null;
        if (blocks == null || x.numel() == 0) return super.reduce(op, x, reduced);
        int[] outShape = x.shape().clone();
        for (int d = 0; d < outShape.length; d++) if (reduced[d]) outShape[d] = 1;
        Tensor xd = dense(x), out = newTensor(DType.F32, outShape);
        VectorReduce.reduce(op, f(xd), xd.offset(), blocks[0], blocks[1], blocks[2], f(out));
        return out;
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        if (!f32(a, b)) return super.matmul(a, b);
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        Tensor out = newTensor(DType.F32, batch, m, n);
        Sgemm.multiply(batch, m, n, k,
                new Sgemm.Operand(f(a), a.offset(), a.stride(0), a.stride(1), a.stride(2)),
                new Sgemm.Operand(f(b), b.offset(), b.stride(0), b.stride(1), b.stride(2)), f(out));
        return out;
    }

    @Override
    public Tensor matmulBias(Tensor a, Tensor b, Tensor bias) {
        if (!f32(a, b, bias)) return super.matmulBias(a, b, bias);
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        Tensor out = newTensor(DType.F32, batch, m, n);
        // The product accumulates into its output, so starting every row from the bias adds it for free.
        Sgemm.multiply(batch, m, n, k,
                new Sgemm.Operand(f(a), a.offset(), a.stride(0), a.stride(1), a.stride(2)),
                new Sgemm.Operand(f(b), b.offset(), b.stride(0), b.stride(1), b.stride(2)),
                new Sgemm.Bias(f(bias), bias.offset(), bias.stride(0)), f(out));
        return out;
    }

    @Override
    public Tensor sumOfSquares(Tensor x) {
        if (!f32(x)) return super.sumOfSquares(x);
        Tensor out = newTensor(DType.F32);
        f(out)[0] = (float) VectorReduce.sumOfSquares(dense(x));
        return out;
    }

    // ---- fused row kernels ---------------------------------------------------------------------------------------

    @Override
    public Tensor softmax(Tensor x) {
        if (!f32(x)) return super.softmax(x);
        Tensor xd = dense(x), y = newTensor(DType.F32, x.shape());
        VectorRowOps.softmax(f(xd), xd.offset(), f(y), rows(x), x.size(-1));
        return y;
    }

    @Override
    public Tensor logSoftmax(Tensor x) {
        if (!f32(x)) return super.logSoftmax(x);
        Tensor xd = dense(x), y = newTensor(DType.F32, x.shape());
        VectorRowOps.logSoftmax(f(xd), xd.offset(), f(y), rows(x), x.size(-1));
        return y;
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor gy) {
        if (!f32(y, gy)) return super.softmaxBackward(y, gy);
        Tensor yd = dense(y), gd = dense(gy), gx = newTensor(DType.F32, y.shape());
        VectorRowOps.softmaxBackward(f(yd), yd.offset(), f(gd), gd.offset(), f(gx), rows(y), y.size(-1));
        return gx;
    }

    @Override
    public Tensor logSoftmaxBackward(Tensor y, Tensor gy) {
        if (!f32(y, gy)) return super.logSoftmaxBackward(y, gy);
        Tensor yd = dense(y), gd = dense(gy), gx = newTensor(DType.F32, y.shape());
        VectorRowOps.logSoftmaxBackward(f(yd), yd.offset(), f(gd), gd.offset(), f(gx), rows(y), y.size(-1));
        return gx;
    }

    @Override
    public Tensor[] layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        if (!f32(x, gamma, beta)) return super.layerNorm(x, gamma, beta, eps);
        int r = rows(x), c = x.size(-1);
        Tensor xd = dense(x), gd = dense(gamma), bd = dense(beta);
        Tensor y = newTensor(DType.F32, x.shape()), mean = newTensor(DType.F32, r), rstd = newTensor(DType.F32, r);
        VectorRowOps.layerNorm(f(xd), xd.offset(), f(gd), gd.offset(), f(bd), bd.offset(), eps, f(y), f(mean), f(rstd), r, c);
        return new Tensor[] {y, mean, rstd};
    }

    @Override
    public Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        if (!f32(gy, x, gamma, mean, rstd)) return super.layerNormBackward(gy, x, gamma, mean, rstd);
        int r = rows(x), c = x.size(-1);
        Tensor gd = dense(gy), xd = dense(x), gam = dense(gamma), md = dense(mean), rd = dense(rstd);
        Tensor gx = newTensor(DType.F32, x.shape());
        Tensor ggamma = newTensor(DType.F32, gamma.shape()), gbeta = newTensor(DType.F32, gamma.shape());
        VectorRowOps.layerNormBackward(f(gd), gd.offset(), f(xd), xd.offset(), f(gam), gam.offset(), f(md), md.offset(),
                f(rd), rd.offset(), f(gx), f(ggamma), f(gbeta), r, c);
        return new Tensor[] {gx, ggamma, gbeta};
    }

    // ---- embeddings and losses -------------------------------------------------------------------------------------

    @Override
    public Tensor embedding(Tensor weight, Tensor ids) {
        if (!f32(weight) || !i32(ids)) return super.embedding(weight, ids);
        Tensor w = dense(weight), id = dense(ids);
        int dim = w.size(1);
        int[] outShape = java.util.Arrays.copyOf(ids.shape(), ids.rank() + 1);
        outShape[ids.rank()] = dim;
        Tensor out = newTensor(DType.F32, outShape);
        VectorNn.embedding(f(w), w.offset(), w.size(0), dim, host(id).i32, id.offset(), ids.numel(), f(out));
        return out;
    }

    @Override
    public Tensor embeddingBackward(Tensor gy, Tensor ids, int vocab) {
        if (!f32(gy) || !i32(ids)) return super.embeddingBackward(gy, ids, vocab);
        Tensor g = dense(gy), id = dense(ids);
        int dim = gy.size(-1);
        Tensor gw = newTensor(DType.F32, vocab, dim);
        VectorNn.embeddingBackward(f(g), g.offset(), host(id).i32, id.offset(), ids.numel(), vocab, dim, f(gw));
        return gw;
    }

    @Override
    public Tensor[] crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        if (!f32(logits) || !i32(targets)) return super.crossEntropy(logits, targets, ignoreIndex);
        int n = logits.size(0), c = logits.size(1);
        Tensor xd = dense(logits), td = dense(targets), lse = newTensor(DType.F32, n);
        float[] x = f(xd), l = f(lse);
        int[] t = host(td).i32;
        int xo = xd.offset(), to = td.offset();
        VectorRowOps.rows(n, c, (from, end) -> {
            for (int i = from; i < end; i++) l[i] = VectorRowOps.logSumExp(x, xo + i * c, c);
        });
        double total = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            int target = t[to + i];
            if (target == ignoreIndex) continue;
            checkId("cross_entropy target", target, c, i);
            total += (double) l[i] - x[xo + i * c + target];
            count++;
        }
        Tensor loss = newTensor(DType.F32);
        f(loss)[0] = (float) (count == 0 ? 0 : total / count);
        return new Tensor[] {loss, lse};
    }

    @Override
    public Tensor crossEntropyBackward(Tensor logits, Tensor logSumExp, Tensor targets, int ignoreIndex, Tensor gLoss) {
        if (!f32(logits, logSumExp) || !i32(targets)) {
            return super.crossEntropyBackward(logits, logSumExp, targets, ignoreIndex, gLoss);
        }
        int n = logits.size(0), c = logits.size(1);
        Tensor xd = dense(logits), ld = dense(logSumExp), td = dense(targets);
        int[] t = host(td).i32;
        int count = 0;
        for (int i = 0; i < n; i++) if (t[td.offset() + i] != ignoreIndex) count++;
        float scale = (float) (count == 0 ? 0 : host(gLoss).get(gLoss.offset()) / count);
        Tensor g = newTensor(DType.F32, n, c);
        VectorRowOps.crossEntropyBackward(f(xd), xd.offset(), f(ld), ld.offset(), t, td.offset(), ignoreIndex, scale, f(g), n, c);
        return g;
    }

    // ---- training helpers ------------------------------------------------------------------------------------------

    @Override
    public Tensor dropoutMask(int[] shape, DType dtype, double p, long seed) {
        if (dtype != DType.F32) return super.dropoutMask(shape, dtype, p, seed);
        Tensor mask = newTensor(DType.F32, shape);
        VectorNn.dropoutMask(f(mask), p, seed);
        return mask;
    }

    @Override
    public Tensor dropout(Tensor x, double p, long seed) {
        if (!f32(x)) return super.dropout(x, p, seed);
        Tensor xd = dense(x), out = newTensor(DType.F32, x.shape());
        VectorNn.dropout(f(xd), xd.offset(), f(out), out.numel(), p, seed);
        return out;
    }

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                      double weightDecay, double biasCorrection1, double biasCorrection2) {
        boolean dense = param.isContiguous() && grad.isContiguous() && m.isContiguous() && v.isContiguous();
        if (!f32(param, grad, m, v) || !dense) {
            super.adamw(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2);
            return;
        }
        VectorNn.adamw(f(param), param.offset(), f(grad), grad.offset(), f(m), m.offset(), f(v), v.offset(), param.numel(),
                lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2);
    }
}
