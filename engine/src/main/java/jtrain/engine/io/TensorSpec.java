package jtrain.engine.io;

import java.util.Arrays;

import jtrain.engine.DType;
import jtrain.engine.Tensor;

/**
 * What a checkpoint file says of one tensor without its values being read: the type jtrain holds it in once read
 * (F16 and BF16 as F32, I64 as I32, as {@link Safetensors#read} converts them) and its shape.
 */
public record TensorSpec(DType dtype, int[] shape) {
    public TensorSpec {
        shape = shape.clone();
    }

    public static TensorSpec of(Tensor t) {
        return new TensorSpec(t.dtype(), t.shape());
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec s && s.dtype == dtype && Arrays.equals(s.shape, shape);
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
