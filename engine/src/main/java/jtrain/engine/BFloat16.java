package jtrain.engine;

/** bfloat16 <-> float32 conversions (bf16 is the upper half of an IEEE float32). */
public final class BFloat16 {
    private BFloat16() {}

    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest, ties to even; NaN stays NaN. */
    public static short fromFloat(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((x >>> 16) | 0x40);
        int roundingBias = 0x7FFF + ((x >>> 16) & 1);
        return (short) ((x + roundingBias) >>> 16);
    }

    /** IEEE half precision (F16) to float32, for reading safetensors files. */
    public static float halfToFloat(short h) {
        return Float.float16ToFloat(h);
    }
}
