package jtrain.engine;

/** Element types. F64 exists for gradient checks on the CPU; BF16 is reserved for the GPU (CPU tensors only hold it after loading). */
public enum DType {
    F32(4, true), F64(8, true), I32(4, false), BF16(2, true);

    public final int bytes;
    public final boolean floating;

    DType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }
}
