package jtrain.engine.ops;

import jtrain.engine.Autograd;
import jtrain.engine.Shapes;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backend.Activation;
import jtrain.engine.backend.Backend.Binary;
import jtrain.engine.backend.Backend.Unary;

/** Broadcasting arithmetic and elementwise math, each with its gradient. */
public final class Arith {
    private Arith() {}

    // The backward closures capture only what their formulas read (shapes, or the other operand when this one needs
    // a gradient), so that the operands of a sum, say, are not kept in memory until the backward pass.

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = broadcastBinary("add", Binary.ADD, a, b);
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record("add", out, new Tensor[] {a, b},
                g -> new Tensor[] {Reductions.sumTo(g, as), Reductions.sumTo(g, bs)});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = broadcastBinary("sub", Binary.SUB, a, b);
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record("sub", out, new Tensor[] {a, b},
                g -> new Tensor[] {Reductions.sumTo(g, as), Reductions.sumTo(neg(g), bs)});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = broadcastBinary("mul", Binary.MUL, a, b);
        int[] as = a.shape(), bs = b.shape();
        Tensor forA = a.requiresGrad() ? b : null, forB = b.requiresGrad() ? a : null;
        return Autograd.record("mul", out, new Tensor[] {a, b}, g -> new Tensor[] {
                forA != null ? Reductions.sumTo(mul(g, forA), as) : null,
                forB != null ? Reductions.sumTo(mul(g, forB), bs) : null});
    }

    /** a / b, true division: integer tensors are refused rather than truncated (convert them with to(F32)). */
    public static Tensor div(Tensor a, Tensor b) {
        Checks.floating("div", a);
        Checks.floating("div", b);
        Tensor out = broadcastBinary("div", Binary.DIV, a, b);
        int[] as = a.shape(), bs = b.shape();
        boolean gradA = a.requiresGrad(), gradB = b.requiresGrad();
        Tensor savedOut = gradB ? out : null;
        return Autograd.record("div", out, new Tensor[] {a, b}, g -> new Tensor[] {
                gradA ? Reductions.sumTo(div(g, b), as) : null,
                gradB ? Reductions.sumTo(neg(div(mul(g, savedOut), b)), bs) : null});
    }

    public static Tensor add(Tensor a, double s) {
        return add(a, scalarLike(s, a));
    }

    public static Tensor mul(Tensor a, double s) {
        return mul(a, scalarLike(s, a));
    }

    /** a ** p for a constant exponent (d/da a^0 is 0 everywhere, also at a = 0, as in torch). */
    public static Tensor pow(Tensor a, double p) {
        Checks.floating("pow", a);
        Tensor out = broadcastBinary("pow", Binary.POW, a, scalarLike(p, a));
        return Autograd.record("pow", out, new Tensor[] {a},
                g -> new Tensor[] {p == 0 ? mul(g, 0) : mul(g, mul(pow(a, p - 1), p))});
    }

    /** Elementwise maximum (the gradient goes to a where a >= b, else to b). */
    public static Tensor maximum(Tensor a, Tensor b) {
        Tensor out = broadcastBinary("maximum", Binary.MAX, a, b);
        return Autograd.record("maximum", out, new Tensor[] {a, b}, g -> {
            Tensor aWins = broadcastBinary("maximum backward", Binary.LT, b, a).add(broadcastBinary("maximum backward", Binary.EQ, a, b));
            return new Tensor[] {Reductions.sumTo(mul(g, aWins), a.shape()), Reductions.sumTo(mul(g, aWins.neg().add(1)), b.shape())};
        });
    }

    public static Tensor neg(Tensor a) {
        Tensor out = unary("neg", Unary.NEG, a);
        return Autograd.record("neg", out, new Tensor[] {a}, g -> new Tensor[] {neg(g)});
    }

    public static Tensor exp(Tensor a) {
        Tensor out = unary("exp", Unary.EXP, a);
        return Autograd.record("exp", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, out)});
    }

    public static Tensor log(Tensor a) {
        Tensor out = unary("log", Unary.LOG, a);
        return Autograd.record("log", out, new Tensor[] {a}, g -> new Tensor[] {div(g, a)});
    }

    public static Tensor sqrt(Tensor a) {
        Tensor out = unary("sqrt", Unary.SQRT, a);
        return Autograd.record("sqrt", out, new Tensor[] {a}, g -> new Tensor[] {div(mul(g, 0.5), out)});
    }

    public static Tensor tanh(Tensor a) {
        Tensor out = unary("tanh", Unary.TANH, a);
        return Autograd.record("tanh", out, new Tensor[] {a},
                g -> new Tensor[] {mul(g, add(neg(mul(out, out)), 1))});
    }

    /** The exact GELU, x * Phi(x) with the erf form of Phi (BERT's "gelu"). */
    public static Tensor gelu(Tensor a) {
        Tensor out = unary("gelu", Unary.GELU, a);
        return Autograd.record("gelu", out, new Tensor[] {a},
                g -> new Tensor[] {Checks.sameDeviceAndDtype("gelu backward", a, g).binary(Binary.GELU_BACKWARD, a, g)});
    }

    /**
     * GELU's tanh approximation 0.5 x (1 + tanh(c (x + 0.044715 x^3))), with c = sqrt(2/pi) (HF's gelu_new, torch's
     * gelu(approximate='tanh')) or a rounding of it (gelu_fast's 0.7978845608). One op: its backward reads only x.
     */
    public static Tensor geluTanh(Tensor a, double c) {
        return activation("gelu_tanh", Activation.GELU_TANH, a, c);
    }

    /** x sigmoid(beta x): SiLU at beta = 1, HF's quick_gelu at 1.702. One op: its backward reads only x. */
    public static Tensor swish(Tensor a, double beta) {
        return activation("swish", Activation.SWISH, a, beta);
    }

    private static Tensor activation(String op, Activation kind, Tensor a, double c) {
        if (!Double.isFinite(c)) throw new IllegalArgumentException(op + ": the constant must be finite, got " + c);
        Backend be = Checks.supported(op, a);
        Checks.floating(op, a);
        Tensor x = a.contiguous().detach();
        return Autograd.record(op, be.activation(kind, c, x), new Tensor[] {a},
                g -> new Tensor[] {Checks.sameDeviceAndDtype(op + " backward", x, g).activationBackward(kind, c, x, g.contiguous())});
    }

    /** max(x, 0). The gradient passes where x > 0 and is 0 at x = 0, as torch's relu. */
    public static Tensor relu(Tensor a) {
        Tensor zero = scalarLike(0, a);
        Tensor out = broadcastBinary("relu", Binary.MAX, a, zero);
        return Autograd.record("relu", out, new Tensor[] {a},
                g -> new Tensor[] {mul(g, broadcastBinary("relu backward", Binary.GT, out, zero))});
    }

    /**
     * The logistic function 1 / (1 + exp(-x)). An op of its own rather than that composition, whose backward would
     * multiply 0 by exp(-x) = inf where exp overflows (x below -88 in F32) and give NaN: s (1 - s) stays finite.
     */
    public static Tensor sigmoid(Tensor a) {
        Tensor expNeg = unary("sigmoid", Unary.EXP, unary("sigmoid", Unary.NEG, a));
        Tensor out = unary("sigmoid", Unary.RECIPROCAL, broadcastBinary("sigmoid", Binary.ADD, expNeg, scalarLike(1, a)));
        return Autograd.record("sigmoid", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, mul(out, add(neg(out), 1)))});
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    static Tensor unary(String op, Unary kind, Tensor a) {
        Backend be = Checks.supported(op, a);
        Checks.floating(op, a);
        return be.unary(kind, a);
    }

    /** Applies a backend binary kernel after broadcasting both operands to their common shape (no recording). */
    static Tensor broadcastBinary(String op, Binary kind, Tensor a, Tensor b) {
        Backend be = Checks.sameDeviceAndDtype(op, a, b);
        int[] shape = Shapes.broadcast(op, a.shape(), b.shape());
        return be.binary(kind, Views.broadcastView(a, shape), Views.broadcastView(b, shape));
    }

    /** s as a 0-d tensor of like's dtype; a fraction with an integer tensor is refused, not truncated. */
    static Tensor scalarLike(double s, Tensor like) {
        if (!like.dtype().floating && s != Math.rint(s)) {
            throw new IllegalArgumentException("scalar " + s + " with the integer tensor " + like.describe()
                    + " would be truncated; convert it first with to(DType.F32)");
        }
        return Tensor.scalar(s, like.dtype(), like.device());
    }
}
