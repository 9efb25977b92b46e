package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The caching allocator's bookkeeping, over a made-up device. */
class AllocatorTest {
    /** A device with capacity bytes; counts driver allocations and frees. */
    static final class FakeDevice extends DeviceAllocator {
        final long capacity;
        long used, next = 4096;
        final List<Long> frees = new ArrayList<>();
        final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();
        int driverAllocations;

        FakeDevice(long capacity) {
            super(capacity);
            this.capacity = capacity;
        }

        @Override
        protected long allocateOnDevice(long size) {
            if (used + size > capacity) return 0;
            used += size;
            driverAllocations++;
            long a = next;
            next += size;
            sizes.put(a, size);
            return a;
        }

        @Override
        protected void freeOnDevice(long address) {
            frees.add(address);
            used -= sizes.remove(address);
        }

        @Override
        protected void synchronizeDevice() {}

        @Override
        protected String deviceMemory() {
            return "fake device";
        }
    }

    @Test
    void bucketsArePowersOfTwoThenTwoMebibyteSteps() {
        assertEquals(256, DeviceAllocator.bucket(1));
        assertEquals(256, DeviceAllocator.bucket(256));
        assertEquals(512, DeviceAllocator.bucket(257));
        assertEquals(1 << 20, DeviceAllocator.bucket((1 << 19) + 1));
        assertEquals(2 << 20, DeviceAllocator.bucket((1 << 20) + 1));
        assertEquals(4 << 20, DeviceAllocator.bucket((2 << 20) + 1));
    }

    @Test
    void releasedBlocksAreReusedWithoutTheDriver() {
        FakeDevice d = new FakeDevice(1L << 30);
        long a = d.allocate(1000);
        d.release(a, 1000);
        long b = d.allocate(900);   // the same 1024-byte bucket
        assertEquals(a, b);
        assertEquals(1, d.driverAllocations);
        assertEquals(0, d.allocate(0));
    }

    @Test
    void outOfMemoryEmptiesTheCacheRetriesOnceThenNamesTheSizes() {
        FakeDevice d = new FakeDevice(8L << 20);
        long a = d.allocate(4L << 20);
        d.release(a, 4L << 20);             // cached, still held from the device
        long b = d.allocate(6L << 20);      // no room until the cache is emptied
        assertTrue(b != 0);
        assertEquals(List.of(a), d.frees);
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> d.allocate(5L << 20));
        assertTrue(e.getMessage().contains("5242880 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        assertTrue(e.getMessage().contains("fake device"), e.getMessage());
    }
}
