package jtrain.cuda;

import java.lang.ref.Cleaner;

import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Storage;

/**
 * A buffer in device memory. When the storage becomes unreachable a Cleaner returns its block to the caching
 * allocator (the action holds only the address and size, never the storage).
 */
final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Device device;
    private final DType dtype;
    private final int length;
    private final long address;

    CudaStorage(Device device, DType dtype, int length, DeviceAllocator allocator) {
        this.device = device;
        this.dtype = dtype;
        this.length = length;
        long bytes = (long) length * dtype.bytes;
        this.address = allocator.allocate(bytes);
        long a = address;
        CLEANER.register(this, () -> allocator.release(a, bytes));
    }

    /** Device address of element 0. */
    long address() {
        return address;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }
}
