package jtrain.engine;

/** A flat buffer of elements on one device. Tensors are views (shape, strides, offset) over a storage. */
public interface Storage {
    Device device();

    DType dtype();

    /** Number of elements. */
    int length();
}
