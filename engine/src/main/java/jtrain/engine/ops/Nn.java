package jtrain.engine.ops;

import jtrain.engine.Autograd;
import jtrain.engine.DType;
import jtrain.engine.Shapes;
import jtrain.engine.ShapeException;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;

/**
 * The fused neural-network ops, each carrying its own backward: softmax, log-softmax, layer norm, dropout,
 * embedding lookup, cross-entropy, and the selection ops where / maskedFill.
 */
public final class Nn {
    private Nn() {}

    /** Softmax over the last dimension. */
    public static Tensor softmax(Tensor x) {
        Backend be = Checks.supported("softmax", x);
        Checks.floating("softmax", x);
        Tensor out = be.softmax(x.contiguous().detach());
        return Autograd.record("softmax", out, new Tensor[] {x}, g -> new Tensor[] {be.softmaxBackward(out, g)});
    }

    /** log(softmax(x)) over the last dimension, computed stably. */
    public static Tensor logSoftmax(Tensor x) {
        Backend be = Checks.supported("log_softmax", x);
        Checks.floating("log_softmax", x);
        Tensor out = be.logSoftmax(x.contiguous().detach());
        return Autograd.record("log_softmax", out, new Tensor[] {x}, g -> new Tensor[] {be.logSoftmaxBackward(out, g)});
    }

    /** LayerNorm over the last dimension with affine gamma and beta of shape (C). */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        Backend be = Checks.sameDeviceAndDtype("layer_norm", x, gamma, beta);
        int c = x.size(-1);
        if (gamma.rank() != 1 || gamma.size(0) != c || beta.rank() != 1 || beta.size(0) != c) {
            throw new ShapeException("layer_norm: input " + Shapes.str(x.shape()) + " needs weight and bias of shape [" + c
                    + "], got " + Shapes.str(gamma.shape()) + " and " + Shapes.str(beta.shape()));
        }
        Tensor xc = x.contiguous().detach();
        Tensor[] r = be.layerNorm(xc, gamma.contiguous(), beta.contiguous(), eps);
        Tensor mean = r[1], rstd = r[2];
        return Autograd.record("layer_norm", r[0], new Tensor[] {x, gamma, beta},
                g -> be.layerNormBackward(g.contiguous(), xc, gamma.contiguous(), mean, rstd));
    }

    /**
     * Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1-p). The mask is a
     * function of (seed, element index) only, so a run is reproducible on every backend, and the backward pass
     * regenerates it from the seed instead of keeping it in memory.
     */
    public static Tensor dropout(Tensor x, double p, long seed, boolean training) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout: probability " + p + " outside [0, 1)");
        if (!training || p == 0) return x;
        Backend be = Checks.supported("dropout", x);
        Tensor out = be.dropout(x, p, seed);
        return Autograd.record("dropout", out, new Tensor[] {x}, g -> new Tensor[] {be.dropout(g.contiguous(), p, seed)});
    }

    /** Rows of weight (V, D) picked by integer ids of any shape: result (ids..., D). */
    public static Tensor embedding(Tensor weight, Tensor ids) {
        return embedding(weight, ids, -1);
    }

    /**
     * {@link #embedding(Tensor, Tensor)} whose row paddingIdx gets no gradient from this lookup, as torch's
     * {@code padding_idx} (HF BERT's word embeddings use the pad token's id); -1 for none.
     */
    public static Tensor embedding(Tensor weight, Tensor ids, int paddingIdx) {
        Backend be = Checks.sameDevice("embedding", weight, ids);
        Checks.dtype("embedding ids", ids, DType.I32);
        Checks.rank("embedding weight", weight, 2);
        Tensor idc = ids.contiguous();
        Tensor out = be.embedding(weight.contiguous().detach(), idc);
        int vocab = weight.size(0);
        if (paddingIdx < -1 || paddingIdx >= vocab) {
            throw new IllegalArgumentException("embedding: padding index " + paddingIdx + " is outside [0, " + vocab + ") (-1 for none)");
        }
        boolean padded = paddingIdx >= 0;
        return Autograd.record("embedding", out, new Tensor[] {weight}, g -> {
            Tensor gw = be.embeddingBackward(g.contiguous(), idc, vocab);
            if (padded) be.fill(gw.slice(0, paddingIdx, paddingIdx + 1), 0);
            return new Tensor[] {gw};
        });
    }

    /**
     * Mean cross-entropy between logits (N, C) and class ids (N); rows whose target is ignoreIndex are left out of
     * both the sum and the count. With no row left (all ignored, or N = 0) the loss is 0 with a zero gradient, where
     * torch gives NaN: a micro-batch without a masked token then adds nothing instead of poisoning the step.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        Backend be = Checks.sameDevice("cross_entropy", logits, targets);
        Checks.dtype("cross_entropy targets", targets, DType.I32);
        Checks.rank("cross_entropy logits", logits, 2);
        if (targets.rank() != 1 || targets.size(0) != logits.size(0)) {
            throw new ShapeException("cross_entropy: logits " + Shapes.str(logits.shape()) + " need targets of shape ["
                    + logits.size(0) + "], got " + Shapes.str(targets.shape()));
        }
        Tensor lc = logits.contiguous().detach(), tc = targets.contiguous();
        Tensor[] r = be.crossEntropy(lc, tc, ignoreIndex);
        Tensor lse = r[1];
        return Autograd.record("cross_entropy", r[0], new Tensor[] {logits},
                g -> new Tensor[] {be.crossEntropyBackward(lc, lse, tc, ignoreIndex, g)});
    }

    /**
     * crossEntropy(linear(h, weight, bias), targets) as one op: logits (N, V) at every row of h (N, C), as HF and
     * PyTorch compute a masked-LM loss, but with the logits kept inside the op. Rows whose target is ignoreIndex get
     * a zero gradient, so the backward pass works on the labelled rows only: their logits are gathered, and the two
     * products of the backward run on those M rows instead of all N (the same gradients as the dense formulation).
     * The labelled rows are chosen on the host, so targets may stay there (on a GPU, reading device targets would
     * make the host wait for every queued kernel).
     */
    public static Tensor linearCrossEntropy(Tensor h, Tensor weight, Tensor bias, Tensor targets, int ignoreIndex) {
        Checks.rank("linear_cross_entropy input", h, 2);
        Checks.dtype("linear_cross_entropy targets", targets, DType.I32);
        if (targets.rank() != 1 || targets.size(0) != h.size(0)) {
            throw new ShapeException("linear_cross_entropy: input " + Shapes.str(h.shape()) + " needs targets of shape ["
                    + h.size(0) + "], got " + Shapes.str(targets.shape()));
        }
        int[] t = targets.toIntArray(); // before any kernel of this op is queued
        Tensor logits;
        try (var ng = Autograd.noGrad()) {
            logits = Matmul.linear(h, weight, bias);
        }
        Backend be = Backends.of(logits);
        Tensor tc = targets.contiguous().to(logits.device());
        Tensor[] r = be.crossEntropy(logits, tc, ignoreIndex);
        int[] labelled = java.util.stream.IntStream.range(0, t.length).filter(i -> t[i] != ignoreIndex).toArray();
        Tensor[] saved = {logits, r[1]}; // released by the backward pass as soon as it has read them
        return Autograd.record("linear_cross_entropy", r[0], new Tensor[] {h, weight, bias}, g -> {
            if (labelled.length == 0) return new Tensor[3]; // nothing scored: no gradient
            Tensor rows = Tensor.ofInts(labelled, labelled.length).to(h.device());
            Tensor pickedLogits = be.embedding(saved[0], rows);                             // (M, V)
            Tensor pickedLse = be.embedding(saved[1].reshape(-1, 1), rows).reshape(-1);    // (M)
            saved[0] = saved[1] = null;
            int[] pickedTargets = java.util.Arrays.stream(labelled).map(i -> t[i]).toArray();
            Tensor gLogits = be.crossEntropyBackward(pickedLogits, pickedLse,
                    Tensor.ofInts(pickedTargets, pickedTargets.length).to(h.device()), ignoreIndex, g);   // (M, V)
            Tensor hc = h.detach().contiguous(), w = weight.detach();
            return new Tensor[] {
                    h.requiresGrad() ? be.embeddingBackward(Matmul.matmul(gLogits, w), rows, h.size(0)) : null,
                    weight.requiresGrad() ? Matmul.matmul(gLogits.transpose(0, 1), be.embedding(hc, rows)) : null,
                    bias != null && bias.requiresGrad() ? Reductions.sum(gLogits, new int[] {0}, false) : null};
        });
    }

    /** cond != 0 ? a : b, broadcasting all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Backend be = Checks.sameDeviceAndDtype("where", a, b);
        Checks.sameDevice("where", cond, a);
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape(), a.shape()), b.shape());
        Tensor c = Views.broadcastView(cond, shape);
        Tensor out = be.where(c, Views.broadcastView(a, shape), Views.broadcastView(b, shape));
        return Autograd.record("where", out, new Tensor[] {a, b}, g -> {
            Tensor zero = Tensor.zeros(g.dtype(), g.device(), shape);
            return new Tensor[] {
                    a.requiresGrad() ? Reductions.sumTo(be.where(c, g, zero), a.shape()) : null,
                    b.requiresGrad() ? Reductions.sumTo(be.where(c, zero, g), b.shape()) : null};
        });
    }

    /** x with value wherever mask != 0 (mask broadcasts to x). */
    public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        return where(mask, Tensor.scalar(value, x.dtype(), x.device()), x);
    }
}
