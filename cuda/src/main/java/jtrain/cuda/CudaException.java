package jtrain.cuda;

/** A failed CUDA driver or cuBLAS call; the message names the function and the error. */
public class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }
}
