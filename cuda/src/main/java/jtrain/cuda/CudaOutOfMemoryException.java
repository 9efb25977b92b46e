package jtrain.cuda;

/** The device has no room for an allocation even after the allocator returned its cached blocks to the driver. */
public final class CudaOutOfMemoryException extends CudaException {
    public CudaOutOfMemoryException(String message) {
        super(message);
    }
}
