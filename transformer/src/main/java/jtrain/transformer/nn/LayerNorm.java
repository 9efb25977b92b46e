package jtrain.transformer.nn;

import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Tensor;
import jtrain.engine.ops.Nn;

/** LayerNorm over the last dimension, weight 1 and bias 0 at initialisation. */
public final class LayerNorm extends Module {
    public final Tensor weight;
    public final Tensor bias;
    private final double eps;

    public LayerNorm(int size, double eps) {
        this.eps = eps;
        weight = param("weight", Tensor.full(1, DType.F32, Device.CPU, size));
        bias = param("bias", Tensor.zeros(DType.F32, Device.CPU, size));
    }

    public Tensor forward(Tensor x) {
        return Nn.layerNorm(x, weight, bias, eps);
    }
}
