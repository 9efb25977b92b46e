// Embedding lookup and its gradient:
//   forward:  out[i, :] = weight[ids[i], :]           (gather; bad ids write 0 and are recorded, see common.cuh)
//   backward: gw[ids[i], :] += gy[i, :]               (scatter-add with float atomics; gw starts zeroed)
// weight/gw are (V, D) contiguous, ids (n) contiguous I32, out/gy (n, D) contiguous.
// Launch: 1-D grid-stride over n * D elements (consecutive threads take consecutive columns: coalesced).
#include "common.cuh"

extern "C" __global__ void embedding_forward_f32(int n, int D, int V, const float* __restrict__ weight,
                                                 const int* __restrict__ ids, float* __restrict__ out, int* err) {
    GRID_STRIDE(k, (long long) n * D) {
        long long i = k / D;
        int j = (int) (k - i * D);
        int id = ids[i];
        if (id < 0 || id >= V) {
            if (j == 0) record_error(err, ERR_EMBEDDING, id, i, V);
            out[k] = 0.0f;
        } else {
            out[k] = weight[(long long) id * D + j];
        }
    }
}

extern "C" __global__ void embedding_backward_f32(int n, int D, int V, const float* __restrict__ gy,
                                                  const int* __restrict__ ids, float* __restrict__ gw, int* err) {
    GRID_STRIDE(k, (long long) n * D) {
        long long i = k / D;
        int j = (int) (k - i * D);
        int id = ids[i];
        if (id < 0 || id >= V) {
            if (j == 0) record_error(err, ERR_EMBEDDING_BACKWARD, id, i, V);
        } else {
            atomicAdd(&gw[(long long) id * D + j], gy[k]);
        }
    }
}
