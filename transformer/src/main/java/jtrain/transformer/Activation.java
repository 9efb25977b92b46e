package jtrain.transformer;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import jtrain.engine.Tensor;

/**
 * The activation of the feed-forward block and of the masked-LM head's transform: config.json's {@code hidden_act},
 * with the names and formulas of HF transformers' ACT2FN. One constant per name, so that a loaded config saves back
 * with the name it had. The GELUs and the sigmoid-weighted ones are fused engine ops (one pass forward, one backward
 * that reads only the input: {@link Tensor#gelu}, {@link Tensor#geluTanh}, {@link Tensor#swish}), with kernels on
 * every backend; relu and tanh are engine ops too.
 */
public enum Activation {
    /** x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), the exact GELU: the engine's fused op. BERT's default. */
    GELU("gelu", Tensor::gelu),
    /** The same erf formula, which HF writes out in Python rather than calling torch's kernel. */
    GELU_PYTHON("gelu_python", Tensor::gelu),
    /** GELU's tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (Google's BERT code, GPT-2). */
    GELU_NEW("gelu_new", x -> x.geluTanh(Math.sqrt(2 / Math.PI))),
    /** The same tanh approximation, which HF computes with torch's gelu(approximate='tanh'). */
    GELU_PYTORCH_TANH("gelu_pytorch_tanh", x -> x.geluTanh(Math.sqrt(2 / Math.PI))),
    /** The same tanh approximation (MEGA's name for it). */
    GELU_ACCURATE("gelu_accurate", x -> x.geluTanh(Math.sqrt(2 / Math.PI))),
    /**
     * The same tanh approximation written as 0.5 x (1 + tanh(0.7978845608 x (1 + 0.044715 x^2))): sqrt(2/pi)
     * rounded to 10 decimals, 3e-12 relative off, which only F64 can tell (the op takes the constant as given).
     */
    GELU_FAST("gelu_fast", x -> x.geluTanh(0.7978845608)),
    /** x sigmoid(1.702 x), a cruder sigmoid approximation of GELU. */
    QUICK_GELU("quick_gelu", x -> x.swish(1.702)),
    /** max(x, 0). */
    RELU("relu", Tensor::relu),
    /** x sigmoid(x), the sigmoid-weighted linear unit. */
    SILU("silu", x -> x.swish(1)),
    /** Another name of SiLU. */
    SWISH("swish", x -> x.swish(1)),
    /** tanh(x). */
    TANH("tanh", Tensor::tanh),
    /** The identity. */
    LINEAR("linear", x -> x);

    private final String hfName;
    private final UnaryOperator<Tensor> formula;

    Activation(String hfName, UnaryOperator<Tensor> formula) {
        this.hfName = hfName;
        this.formula = formula;
    }

    /** The name config.json uses. */
    public String hfName() {
        return hfName;
    }

    public Tensor apply(Tensor x) {
        return formula.apply(x);
    }

    /** Every supported name, in declaration order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Activation::hfName).toList();
    }

    /** The activation named name, or an error that names the file and lists the supported names. */
    public static Activation fromHfName(String name, String source) {
        for (Activation a : values()) {
            if (a.hfName.equals(name)) return a;
        }
        throw new IllegalArgumentException(source + ": unsupported hidden_act \"" + name + "\" (supported: "
                + String.join(", ", names()) + ")");
    }
}
