package jtrain.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A JCuda device pointer whose address can be read and created from a number: the backend keeps raw addresses
 * (for its allocator, for kernel parameters and for cuBLAS through java.lang.foreign) and wraps them only for the
 * JCuda calls that take a CUdeviceptr.
 */
final class DevicePointer extends CUdeviceptr {
    DevicePointer() {}

    private DevicePointer(CUdeviceptr base, long byteOffset) {
        super(base, byteOffset);
    }

    /** A pointer to this device address (a null pointer plus the address as its byte offset). */
    static DevicePointer at(long address) {
        return new DevicePointer(new CUdeviceptr(), address);
    }

    long address() {
        return getNativePointer() + getByteOffset();
    }
}
