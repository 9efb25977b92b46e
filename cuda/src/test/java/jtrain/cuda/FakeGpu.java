package jtrain.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CudaBackend over a driver that reaches no GPU: launches are checked against the PTX signatures (as on a real
 * device) and recorded, allocations get made-up addresses. Lets CPU-only tests exercise every dispatch path.
 */
final class FakeGpu {
    record Launch(String kernel, int gridX, int gridY, int blockX, Object[] args) {}

    final List<Launch> launches = new ArrayList<>();
    final CudaBackend backend;

    private FakeGpu() throws Exception {
        Map<String, byte[]> ptx = new LinkedHashMap<>();
        String reason = Cuda.loadPtx(ptx);
        if (reason != null) throw new IllegalStateException(reason);
        Driver driver = new Driver("fake", 4, 1L << 30, ptx, 16) {
            @Override
            void makeCurrent() {}

            @Override
            protected void enqueue(String kernel, int gridX, int gridY, int blockX, Object[] args) {
                launches.add(new Launch(kernel, gridX, gridY, blockX, args));
            }

            @Override
            void copyToDevice(long dst, Object hostArray, long bytes) {}

            @Override
            void copyToHost(Object hostArray, long src, long bytes) {}

            @Override
            void zero(long dst, long bytes) {}

            @Override
            void synchronize() {}

            @Override
            void checkDeviceErrors() {}
        };
        DeviceAllocator allocator = new DeviceAllocator(1L << 30) {
            private long next = 1L << 20;

            @Override
            protected long allocateOnDevice(long size) {
                long a = next;
                next += size;
                return a;
            }

            @Override
            protected void freeOnDevice(long address) {}

            @Override
            protected void synchronizeDevice() {}

            @Override
            protected String deviceMemory() {
                return "fake";
            }
        };
        backend = new CudaBackend(driver, allocator, null);
    }

    /** A fake GPU, or null with the reason when the kernels jar holds no PTX (built without nvcc). */
    static FakeGpu create() throws Exception {
        return Cuda.buildInfo() != null && !Cuda.buildInfo().getProperty("kernels", "").isBlank() ? new FakeGpu() : null;
    }
}
