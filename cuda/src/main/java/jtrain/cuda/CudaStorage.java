package jtrain.cuda;

import java.lang.ref.Cleaner;

import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Storage;

/**
 * A buffer in device memory. Its block goes back to the caching allocator once: when a {@link jtrain.engine.MemoryScope}
 * it was allocated in closes ({@link #release}), or else when the storage becomes unreachable (a Cleaner, whose
 * action holds only the address and size, never the storage).
 */
final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Device device;
    private final DType dtype;
    private final int length;
    private final long address;
    private final Cleaner.Cleanable cleanable;
    private final long serial = Storage.newSerial();
    private boolean released, longLived;

    CudaStorage(Device device, DType dtype, int length, DeviceAllocator allocator) {
        this.device = device;
        this.dtype = dtype;
        this.length = length;
        long bytes = (long) length * dtype.bytes;
        this.address = allocator.allocate(bytes);
        long a = address;
        cleanable = CLEANER.register(this, () -> allocator.release(a, bytes));
    }

    /** Device address of element 0. */
    long address() {
        if (released) {
            throw new IllegalStateException("a " + dtype + " buffer of " + length + " elements on " + device + " was given back when "
                    + "the memory scope it was created in closed, and is used after it; keep it (MemoryScope.keep) or read it inside the scope");
        }
        return address;
    }

    /** Whether it holds training state (parameter, gradient, optimizer slot), which no memory scope gives back. */
    void markLongLived(boolean value) {
        longLived = value;
    }

    boolean longLived() {
        return longLived;
    }

    /** Gives the block back to the allocator now (a closing memory scope); any later use of this storage fails. */
    void release() {
        released = true;
        cleanable.clean();
    }

    @Override
    public Device device() {
        return device;
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
        return length;
    }
}
