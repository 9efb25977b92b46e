package jtrain.engine;

/**
 * Host storage: exactly one of the arrays is set, matching the dtype. BF16 is kept as raw 16-bit patterns
 * (it is only a transport format on the CPU; {@link Tensor#to(DType)} widens it to F32).
 */
public final class CpuStorage implements Storage {
    public final DType dtype;
    public final float[] f32;
    public final double[] f64;
    public final int[] i32;
    public final short[] bf16;
    private final long serial = Storage.newSerial();

    private CpuStorage(DType dtype, float[] f32, double[] f64, int[] i32, short[] bf16) {
        this.dtype = dtype;
        this.f32 = f32;
        this.f64 = f64;
        this.i32 = i32;
        this.bf16 = bf16;
    }

    public static CpuStorage allocate(DType dtype, int length) {
        return switch (dtype) {
            case F32 -> new CpuStorage(dtype, new float[length], null, null, null);
            case F64 -> new CpuStorage(dtype, null, new double[length], null, null);
            case I32 -> new CpuStorage(dtype, null, null, new int[length], null);
            case BF16 -> new CpuStorage(dtype, null, null, null, new short[length]);
        };
    }

    public static CpuStorage of(float[] a) {
        return new CpuStorage(DType.F32, a, null, null, null);
    }

    public static CpuStorage of(double[] a) {
        return new CpuStorage(DType.F64, null, a, null, null);
    }

    public static CpuStorage of(int[] a) {
        return new CpuStorage(DType.I32, null, null, a, null);
    }

    public static CpuStorage ofBf16(short[] a) {
        return new CpuStorage(DType.BF16, null, null, null, a);
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public long serial() {
        return serial;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return switch (dtype) {
            case F32 -> f32.length;
            case F64 -> f64.length;
            case I32 -> i32.length;
            case BF16 -> bf16.length;
        };
    }

    /** Element i widened to double (the reference backend computes through this). */
    public double get(int i) {
        return switch (dtype) {
            case F32 -> f32[i];
            case F64 -> f64[i];
            case I32 -> i32[i];
            case BF16 -> Float.intBitsToFloat(bf16[i] << 16);
        };
    }

    /** Stores v at i, rounded to this storage's dtype (integers truncate toward zero, BF16 rounds to nearest even). */
    public void set(int i, double v) {
        switch (dtype) {
            case F32 -> f32[i] = (float) v;
            case F64 -> f64[i] = v;
            case I32 -> i32[i] = (int) v;
            case BF16 -> bf16[i] = BFloat16.fromFloat((float) v);
        }
    }
}
