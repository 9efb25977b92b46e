package jtrain.cuda;

import java.util.List;

import jtrain.engine.backend.Backend.AdamWUpdate;

/**
 * The table adamw_multi_f32 reads (kernels/adamw.cu): per tensor an AdamWTensor record (four device addresses, the
 * element count, and the eight factors {@link CudaBackend#adamw} passes as arguments), then per chunk of
 * {@link #CHUNK} elements the pair (tensor index, first element). One block updates one chunk.
 *
 * @param ints    the table, as the device will hold it (little-endian ints)
 * @param tensors how many AdamWTensor records it starts with
 * @param chunks  how many (tensor, start) pairs follow them: the launch's block count
 */
record AdamWTable(int[] ints, int tensors, int chunks) {
    /** Elements one block of adamw_multi_f32 updates. */
    static final int CHUNK = 32768;
    /** Ints per AdamWTensor record (72 bytes: four pointers, n, eight floats, padding). */
    static final int TENSOR_INTS = 18;

    /** The table for these updates, whose tensors are contiguous, non-empty and of the parameter's size. */
    static AdamWTable of(List<AdamWUpdate> updates) {
        int chunks = 0;
        for (AdamWUpdate u : updates) chunks += (int) (((long) u.param().numel() + CHUNK - 1) / CHUNK);
        int[] table = new int[updates.size() * TENSOR_INTS + 2 * chunks];
        int c = updates.size() * TENSOR_INTS;
        for (int k = 0; k < updates.size(); k++) {
            AdamWUpdate u = updates.get(k);
            int o = k * TENSOR_INTS, n = u.param().numel();
            long[] pointers = {CudaBackend.addr(u.param()), CudaBackend.addr(u.grad()), CudaBackend.addr(u.m()), CudaBackend.addr(u.v())};
            for (int j = 0; j < 4; j++) {
                table[o + 2 * j] = (int) pointers[j];
                table[o + 2 * j + 1] = (int) (pointers[j] >>> 32);
            }
            table[o + 8] = n;
            float[] factors = {(float) (1 - u.lr() * u.weightDecay()), (float) u.beta1(), (float) (1 - u.beta1()), (float) u.beta2(),
                    (float) (1 - u.beta2()), (float) (u.lr() / u.biasCorrection1()), (float) (1 / u.biasCorrection2()), (float) u.eps()};
            for (int j = 0; j < factors.length; j++) table[o + 9 + j] = Float.floatToRawIntBits(factors[j]);
            for (long start = 0; start < n; start += CHUNK) {
                table[c++] = k;
                table[c++] = (int) start;
            }
        }
        return new AdamWTable(table, updates.size(), chunks);
    }

    /** Bytes from the table's start to its first chunk pair. */
    long chunksOffset() {
        return (long) tensors * TENSOR_INTS * 4;
    }

    long bytes() {
        return (long) ints.length * 4;
    }
}
