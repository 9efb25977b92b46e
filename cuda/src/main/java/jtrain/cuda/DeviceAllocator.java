package jtrain.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import jcuda.driver.JCudaDriver;

/**
 * A caching allocator for device memory: sizes are rounded to buckets (powers of two up to 1 MiB, then multiples
 * of 2 MiB) and freed blocks wait in per-bucket free lists for the next request of that bucket, so a training step
 * that repeats its shapes stops calling cuMemAlloc/cuMemFree (both slow, and cuMemFree synchronises the device).
 *
 * <p>Blocks come back when their storage is garbage collected (a Cleaner calls {@link #release}) or explicitly for
 * the backend's own scratch buffers. Reuse needs no event: the backend issues all work on one stream, so work
 * issued after a block's release runs after every earlier use of it.
 *
 * <p>The JVM does not see device memory, so a program can hold many dead storages the collector has not looked
 * at yet. Before growing past {@code softLimit} the allocator asks for a collection and waits briefly for the
 * cleaners; when cuMemAlloc still fails it frees its cache and retries once, then reports what it holds.
 */
class DeviceAllocator {
    private static final long MIB = 1L << 20;

    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private final long softLimit;
    private long inUse, cached, peak, releases;
    /** inUse + cached after the last pressure collection: the next one waits until the footprint grew again. */
    private long footprintAtCollection;

    DeviceAllocator(long softLimit) {
        this.softLimit = softLimit;
    }

    /** The bucket size a request of this many bytes is served from. */
    static long bucket(long bytes) {
        if (bytes <= 256) return 256;
        if (bytes <= MIB) return Long.highestOneBit(bytes - 1) << 1;
        return (bytes + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
    }

    /** A block of at least bytes bytes (not zeroed); address 0 for 0 bytes. */
    synchronized long allocate(long bytes) {
        if (bytes == 0) return 0;
        long size = bucket(bytes);
        Long address = take(size);
        if (address == null && inUse + cached + size > softLimit && inUse + cached > footprintAtCollection + softLimit / 16) {
            collectGarbage();
            footprintAtCollection = inUse + cached;
            address = take(size);
        }
        if (address == null) address = driverAlloc(bytes, size);
        inUse += size;
        peak = Math.max(peak, inUse);
        return address;
    }

    /** Returns a block to its bucket's free list (called by cleaners, on any thread). */
    synchronized void release(long address, long bytes) {
        if (address == 0) return;
        long size = bucket(bytes);
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
        inUse -= size;
        cached += size;
        releases++;
        notifyAll();
    }

    /** Frees every cached block back to the driver (after the device finished all work). */
    synchronized void emptyCache() {
        synchronizeDevice();
        for (var e : free.entrySet()) {
            for (long a : e.getValue()) freeOnDevice(a);
        }
        free.clear();
        cached = 0;
    }

    synchronized String describe() {
        return String.format("%.1f MiB in use (peak %.1f MiB), %.1f MiB cached", inUse / (double) MIB, peak / (double) MIB, cached / (double) MIB);
    }

    synchronized long inUseBytes() {
        return inUse;
    }

    synchronized long cachedBytes() {
        return cached;
    }

    private Long take(long size) {
        ArrayDeque<Long> list = free.get(size);
        if (list == null || list.isEmpty()) return null;
        cached -= size;
        return list.pop();
    }

    private long driverAlloc(long bytes, long size) {
        long address = allocateOnDevice(size);
        if (address == 0) {
            collectGarbage();
            Long reused = take(size);
            if (reused != null) return reused;
            emptyCache();
            address = allocateOnDevice(size);
        }
        if (address == 0) {
            throw new CudaOutOfMemoryException(String.format(
                    "CUDA out of memory: cuMemAlloc of %d bytes (%.1f MiB, bucket %.1f MiB) failed after emptying the cache; "
                            + "the allocator holds %s; device: %s", bytes, bytes / (double) MIB, size / (double) MIB, describe(), deviceMemory()));
        }
        return address;
    }

    // ---- the driver calls (tests without a GPU override them) ---------------------------------------------------

    /** cuMemAlloc: the address, or 0 when the device is out of memory. */
    protected long allocateOnDevice(long size) {
        DevicePointer p = new DevicePointer();
        int rc = JCudaDriver.cuMemAlloc(p, size);
        if (rc == jcuda.driver.CUresult.CUDA_ERROR_OUT_OF_MEMORY) return 0;
        Driver.check("cuMemAlloc(" + size + " bytes)", rc);
        return p.address();
    }

    protected void freeOnDevice(long address) {
        Driver.check("cuMemFree", JCudaDriver.cuMemFree(DevicePointer.at(address)));
    }

    protected void synchronizeDevice() {
        Driver.check("cuCtxSynchronize", JCudaDriver.cuCtxSynchronize());
    }

    protected String deviceMemory() {
        return Driver.memoryInfo();
    }

    /** Asks for a collection and waits (50 ms to half a second) until the cleaners stop returning blocks. */
    synchronized void collectGarbage() {
        System.gc();
        long start = System.nanoTime(), least = start + 50_000_000L, deadline = start + 500_000_000L;
        long seen = -1;
        while ((seen != releases || System.nanoTime() < least) && System.nanoTime() < deadline) {
            seen = releases;
            try {
                wait(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
