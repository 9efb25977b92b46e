package jtrain.engine.backend;

import jtrain.engine.CpuStorage;
import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Storage;
import jtrain.engine.Tensor;

/**
 * The primitive kernels a device must provide. Everything differentiable in {@code jtrain.engine.ops} is built from
 * these; the ops (not the backends) own the backward formulas.
 *
 * <p>Conventions: inputs may be strided views (including stride-0 broadcast dimensions) unless a method says
 * "contiguous"; results are new contiguous tensors on the same device; operands of one call share device and dtype
 * (the ops check this before calling). Floating kernels compute in the operands' dtype.
 */
public interface Backend {
    /** Short name used in messages and for selection: "reference", "vector", "cuda". */
    String name();

    Device device();

    /** Whether this backend computes on tensors of this dtype (F64 is CPU-only, for gradient checks). */
    boolean supports(DType dtype);

    // ---- memory -------------------------------------------------------------------------------------------

    /**
     * Starts tracking the buffers the calling thread allocates, for a {@link jtrain.engine.MemoryScope}; null (the
     * default) where the garbage collector manages memory well enough, as on the CPU.
     */
    default jtrain.engine.MemoryScope.Tracker openMemoryScope() {
        return null;
    }

    /**
     * Marks (or, with false, unmarks) a buffer that holds training state (a parameter, a gradient, an optimizer
     * slot): memory scopes never give a marked buffer back, only the garbage collector does. A no-op where there are
     * no scopes.
     */
    default void markLongLived(Storage storage, boolean longLived) {}

    /** A zero-filled buffer. */
    Storage allocate(DType dtype, int length);

    /** A buffer whose contents are undefined, for a caller that writes every element (a GPU skips the zero fill). */
    default Storage allocateUninitialized(DType dtype, int length) {
        return allocate(dtype, length);
    }

    /** Copies host data onto this backend's device (returns the same storage on the CPU). */
    Storage fromHost(CpuStorage host);

    /** Copies a storage of this device to the host (returns the same storage on the CPU). */
    CpuStorage toHost(Storage storage);

    /** dst[i] = src[i] elementwise over equal shapes; any strides on both sides; converts between dtypes. */
    void copy(Tensor src, Tensor dst);

    /** Sets every element of the (possibly strided) view to value. */
    void fill(Tensor dst, double value);

    // ---- elementwise -----------------------------------------------------------------------------------------

    enum Unary { NEG, EXP, LOG, SQRT, RSQRT, TANH, GELU, RECIPROCAL, SQUARE, ABS }

    /** y = op(x). */
    Tensor unary(Unary op, Tensor x);

    enum Binary {
        ADD, SUB, MUL, DIV, POW, MAX, MIN,
        /** 1 where a == b, else 0 (in the operands' dtype). */
        EQ, GT, LT,
        /** a is the GELU input x, b the incoming gradient: b * gelu'(x). */
        GELU_BACKWARD
    }

    /** c = op(a, b) for operands of equal shape (broadcast dimensions arrive as stride-0 views). */
    Tensor binary(Binary op, Tensor a, Tensor b);

    /**
     * Activations with one constant c, each a single pass forward and a single pass backward (which reads only the
     * input), instead of the chain of elementwise ops, each with its own saved tensors, that its formula would be.
     */
    enum Activation {
        /** 0.5 x (1 + tanh(c (x + 0.044715 x^3))): GELU's tanh approximation, c = sqrt(2/pi) or a rounding of it. */
        GELU_TANH,
        /** x sigmoid(c x): SiLU (swish) at c = 1, HF's quick_gelu at c = 1.702. */
        SWISH
    }

    /** y = op(x) with constant c, for a contiguous x. */
    Tensor activation(Activation op, double c, Tensor x);

    /** gx = gy * op'(x) with constant c, for contiguous x and gy of one shape (x: the forward's input). */
    Tensor activationBackward(Activation op, double c, Tensor x, Tensor gy);

    /** out = cond != 0 ? a : b; all three of equal shape; cond may be any dtype. */
    Tensor where(Tensor cond, Tensor a, Tensor b);

    /** dst += src in place (equal shapes, dst contiguous); used to accumulate gradients. */
    void addInPlace(Tensor dst, Tensor src);

    /** dst *= scalar (a one-element tensor, so no host synchronisation is needed), dst contiguous. */
    void scaleInPlace(Tensor dst, Tensor scalar);

    // ---- reductions ----------------------------------------------------------------------------------------

    enum Reduce { SUM, MAX }

    /** Reduces every dimension with reduced[d] true; the result keeps them with size 1. */
    Tensor reduce(Reduce op, Tensor x, boolean[] reduced);

    // ---- matrix products -------------------------------------------------------------------------------------

    /**
     * Batched matrix product: a (batch, M, K) times b (batch, K, N) gives (batch, M, N). The last two dimensions of
     * a and b may be row- or column-major (a transposed view costs nothing); the batch stride may be 0.
     */
    Tensor matmul(Tensor a, Tensor b);

    /**
     * matmul(a, b) with bias (N, contiguous) added to every row of every product: a linear layer in one pass over
     * the output. The default adds afterwards; a backend may start its accumulators from the bias instead.
     */
    default Tensor matmulBias(Tensor a, Tensor b, Tensor bias) {
        Tensor prod = matmul(a, b);
        Tensor rows = new Tensor(bias.storage(), prod.shape(), new int[] {0, 0, bias.stride(0)}, bias.offset());
        return binary(Binary.ADD, prod, rows);
    }

    // ---- fused kernels -------------------------------------------------------------------------------------

    /** Softmax over the last dimension of a contiguous tensor. */
    Tensor softmax(Tensor x);

    /** gx = y * (gy - sum(gy * y)) row-wise, with y the softmax output. */
    Tensor softmaxBackward(Tensor y, Tensor gy);

    /** log-softmax over the last dimension of a contiguous tensor. */
    Tensor logSoftmax(Tensor x);

    /** gx = gy - exp(y) * sum(gy) row-wise, with y the log-softmax output. */
    Tensor logSoftmaxBackward(Tensor y, Tensor gy);

    /**
     * LayerNorm over the last dimension (size C) of a contiguous x: y = (x - mean) * rstd * gamma + beta.
     * Returns {y, mean (rows), rstd (rows)}.
     */
    Tensor[] layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps);

    /** Returns {gx, ggamma, gbeta} given the forward's saved mean and rstd. */
    Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd);

    /** out[..., :] = weight[ids[...], :]; weight (V, D) contiguous, ids I32 contiguous; bad ids throw naming the id. */
    Tensor embedding(Tensor weight, Tensor ids);

    /** gw (vocab, D) with gw[ids[i]] += gy[i] (scatter-add); gy contiguous (N..., D). */
    Tensor embeddingBackward(Tensor gy, Tensor ids, int vocab);

    /**
     * Mean cross-entropy of logits (N, C) against I32 targets (N); targets equal to ignoreIndex do not count.
     * Returns {loss (scalar), logsumexp (N)}. With every target ignored the loss is 0.
     */
    Tensor[] crossEntropy(Tensor logits, Tensor targets, int ignoreIndex);

    /** Gradient of the mean cross-entropy with respect to the logits, times the scalar gLoss. */
    Tensor crossEntropyBackward(Tensor logits, Tensor logSumExp, Tensor targets, int ignoreIndex, Tensor gLoss);

    /**
     * A dropout mask of the given shape: 0 with probability p, else 1/(1-p). Element i draws from a counter-based
     * generator keyed by (seed, i), so every backend produces the same mask.
     */
    Tensor dropoutMask(int[] shape, DType dtype, double p, long seed);

    /** x * dropoutMask(x.shape(), x.dtype(), p, seed); a backend may apply the mask without materialising it. */
    default Tensor dropout(Tensor x, double p, long seed) {
        return binary(Binary.MUL, x, dropoutMask(x.shape(), x.dtype(), p, seed));
    }

    /** Sum of squares of all elements, as a one-element tensor (for global gradient-norm clipping). */
    Tensor sumOfSquares(Tensor x);

    /**
     * One AdamW step in place on contiguous param, grad, m, v (torch.optim.AdamW semantics):
     * p -= lr*wd*p; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr * (m/bc1) / (sqrt(v/bc2) + eps).
     */
    void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
               double weightDecay, double biasCorrection1, double biasCorrection2);

    /** The arguments of one {@link #adamw} call. */
    record AdamWUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                       double weightDecay, double biasCorrection1, double biasCorrection2) {}

    /**
     * The AdamW steps of many parameters, each exactly as {@link #adamw}. The default makes one call per parameter
     * in order; a GPU backend updates them all in one launch (one kernel per parameter would be hundreds of small
     * launches per training step).
     */
    default void adamwAll(java.util.List<AdamWUpdate> updates) {
        for (AdamWUpdate u : updates) {
            adamw(u.param(), u.grad(), u.m(), u.v(), u.lr(), u.beta1(), u.beta2(), u.eps(), u.weightDecay(),
                    u.biasCorrection1(), u.biasCorrection2());
        }
    }
}
