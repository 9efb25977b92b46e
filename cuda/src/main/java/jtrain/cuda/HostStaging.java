package jtrain.cuda;

import java.lang.foreign.MemorySegment;

import jcuda.Pointer;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/**
 * Small host-to-device copies that do not stop the GPU's queue. A copy from pageable memory (a Java array) with
 * cuMemcpyHtoD first waits until every queued kernel has finished, so the labels, position ids and scalars a
 * training step uploads would each drain the queue. Here the bytes go into pinned host memory first and then to
 * the device with cuMemcpyHtoDAsync on the backend's stream, ordered with the kernels like any launch.
 *
 * <p>The pinned memory is a ring of {@link #CHUNKS} chunks filled one after another. When the ring comes back to a
 * chunk, an event recorded as that chunk was left says whether the GPU has read it; waiting on it is rare (the GPU
 * is then {@code CHUNKS - 1} chunks of uploads behind). Larger copies (model weights) use the plain synchronous copy.
 */
class HostStaging {
    static final int CHUNKS = 8;
    static final long CHUNK_BYTES = 1L << 20;
    /** The largest copy staged; larger ones go through cuMemcpyHtoD. */
    static final long MAX_BYTES = CHUNK_BYTES;

    private final MemorySegment memory; // the pinned ring, CHUNKS * CHUNK_BYTES
    private final Pointer pinned;
    private final CUevent[] left = new CUevent[CHUNKS];
    private final boolean[] recorded = new boolean[CHUNKS];
    private int chunk;
    private long used;

    /** Allocates the pinned ring and its events (in the current context); throws CudaException when the driver refuses. */
    HostStaging() {
        pinned = new Pointer();
        Driver.check("cuMemAllocHost(" + CHUNKS * CHUNK_BYTES + " bytes)", JCudaDriver.cuMemAllocHost(pinned, CHUNKS * CHUNK_BYTES));
        memory = MemorySegment.ofBuffer(pinned.getByteBuffer(0, CHUNKS * CHUNK_BYTES));
        for (int i = 0; i < CHUNKS; i++) {
            left[i] = new CUevent();
            Driver.check("cuEventCreate", JCudaDriver.cuEventCreate(left[i], CUevent_flags.CU_EVENT_DISABLE_TIMING));
        }
    }

    /** For tests without a GPU: the ring in ordinary memory; a subclass overrides the three driver calls. */
    protected HostStaging(MemorySegment memory) {
        this.memory = memory;
        this.pinned = null;
    }

    /** Copies bytes (at most MAX_BYTES) of a host array to device address dst, asynchronously on the default stream. */
    synchronized void upload(long dst, MemorySegment host, long bytes) {
        long reserved = (bytes + 255) & ~255L; // keeps every staged copy 256-byte aligned
        if (used + reserved > CHUNK_BYTES) nextChunk();
        long offset = chunk * CHUNK_BYTES + used;
        MemorySegment.copy(host, 0, memory, offset, bytes);
        copyAsync(dst, offset, bytes);
        used += reserved;
    }

    /** Marks the current chunk as queued and moves to the next, waiting only if the GPU has not read it yet. */
    private void nextChunk() {
        recordLeaving(chunk);
        recorded[chunk] = true;
        chunk = (chunk + 1) % CHUNKS;
        used = 0;
        if (recorded[chunk]) awaitLeaving(chunk);
    }

    // ---- the driver calls (tests without a GPU override them) ---------------------------------------------------

    /** Queues the copy of bytes at offset of the ring to device address dst. */
    protected void copyAsync(long dst, long offset, long bytes) {
        Driver.check("cuMemcpyHtoDAsync", JCudaDriver.cuMemcpyHtoDAsync(DevicePointer.at(dst), pinned.withByteOffset(offset), bytes, null));
    }

    /** Records chunk's event after the copies queued from it. */
    protected void recordLeaving(int chunk) {
        Driver.check("cuEventRecord", JCudaDriver.cuEventRecord(left[chunk], null));
    }

    /** Waits until the copies queued from chunk before its event have been done. */
    protected void awaitLeaving(int chunk) {
        Driver.check("cuEventSynchronize", JCudaDriver.cuEventSynchronize(left[chunk]));
    }
}
