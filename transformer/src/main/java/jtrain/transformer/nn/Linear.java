package jtrain.transformer.nn;

import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Matmul;

/** y = x W^T + b with W of shape (out, in), as torch.nn.Linear; initialised N(0, std), bias 0 (BERT's scheme). */
public final class Linear extends Module {
    public final Tensor weight; // (out, in)
    public final Tensor bias;   // (out)

    public Linear(int in, int out, double std, Rng rng) {
        weight = param("weight", Tensor.randn(rng, 0, std, DType.F32, out, in));
        bias = param("bias", Tensor.zeros(DType.F32, Device.CPU, out));
    }

    /** x (..., in) -> (..., out). */
    public Tensor forward(Tensor x) {
        return Matmul.linear(x, weight, bias);
    }
}
