package jtrain.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real CudaBackend, Driver launch checks, allocator and Gemm operand logic over a GPU emulated on the CPU: the
 * kernels module's CUDA C sources compiled by g++ into target/gpu-emulator/libjtrain_gpu_emulator.so (see
 * cuda/src/test/emulator/README.md), where each block's threads run as fibers with real barriers and warp shuffles.
 * Only the last layer is replaced: cuLaunchKernel, cuMemAlloc/cuMemcpy and cublasSgemmStridedBatched.
 *
 * <p>Emulated device memory is host memory filled with 0xFF bytes when allocated, so an element that no kernel
 * wrote reads as NaN (or -1) and fails the comparison with the reference backend.
 */
public final class EmulatedGpu {
    /** Where the cuda module's build puts the emulator (build.sh's OUT_DIR), seen from the cuda module or a sibling. */
    static final Path BUILD_DIR = Files.isDirectory(Path.of("..", "cuda", "target"))
            ? Path.of("..", "cuda", "target", "gpu-emulator") : Path.of("target", "gpu-emulator");
    private static final Path LIBRARY = BUILD_DIR.resolve("libjtrain_gpu_emulator.so");
    /** Few "multiprocessors", so grid-stride loops take several turns even on small inputs. */
    private static final int MULTIPROCESSORS = 2;

    private static EmulatedGpu instance;
    private static String unavailable;

    private final MethodHandle launch, alloc, free, sgemm, setReversed;
    public final CudaBackend backend;
    /** The backend's driver: tests launch kernels through it directly (with the same argument checks). */
    final Driver driver;
    private final Map<String, Integer> counts = new java.util.HashMap<>();
    /** Bytes of 0xFF before and after each guarded block (see {@link #guarded}). */
    static final int RED_ZONE = 256;
    private static final MemorySegment UNTOUCHED = Arena.global().allocate(RED_ZONE).fill((byte) 0xFF);
    /** Live guarded blocks: address to exact size in bytes. */
    private final Map<Long, Long> guardedBlocks = new java.util.HashMap<>();
    private volatile boolean guard;

    private EmulatedGpu(Map<String, byte[]> ptx) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY.toAbsolutePath(), Arena.global());
        launch = linker.downcallHandle(lib.findOrThrow("emu_launch"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        alloc = linker.downcallHandle(lib.findOrThrow("emu_alloc"), FunctionDescriptor.of(ADDRESS, JAVA_LONG));
        free = linker.downcallHandle(lib.findOrThrow("emu_free"), FunctionDescriptor.ofVoid(ADDRESS));
        setReversed = linker.downcallHandle(lib.findOrThrow("emu_set_reversed"), FunctionDescriptor.ofVoid(JAVA_INT));
        sgemm = linker.downcallHandle(lib.findOrThrow("emu_sgemm_strided_batched"), FunctionDescriptor.of(JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG,
                JAVA_FLOAT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
        long errorRecord = hostAllocate(16);
        memory(errorRecord, 16).fill((byte) 0);
        driver = new EmulatedDriver(ptx, errorRecord);
        backend = new CudaBackend(driver, new EmulatedAllocator(), new EmulatedGemm());
    }

    /** The emulated GPU (one per JVM), or null when it cannot run here; {@link #unavailableReason()} says why. */
    public static synchronized EmulatedGpu get() {
        if (instance == null && unavailable == null) {
            try {
                Map<String, byte[]> ptx = new LinkedHashMap<>();
                String reason = Cuda.loadPtx(ptx); // the launch checks read the kernels' parameter lists from the PTX
                if (reason != null) unavailable = reason;
                else if (!Files.isRegularFile(LIBRARY)) unavailable = LIBRARY.toAbsolutePath() + " was not built (no g++ at build time?)";
                else instance = new EmulatedGpu(ptx);
            } catch (Exception e) {
                unavailable = "the GPU emulator failed to load: " + e;
            }
        }
        return instance;
    }

    public static synchronized String unavailableReason() {
        return unavailable;
    }

    /** The emulated GPU's backend; skips the calling test with the reason when the emulator cannot run here. */
    public static CudaBackend backendOrSkip() {
        EmulatedGpu gpu = get();
        org.junit.jupiter.api.Assumptions.assumeTrue(gpu != null, () -> "GPU emulator unavailable, skipped: " + unavailableReason());
        return gpu.backend;
    }

    /**
     * Runs the blocks of a grid, and the threads of each block, in descending order instead of ascending: a kernel
     * that reads another thread's write without a barrier between (a race on a GPU) then computes something else.
     */
    void reversed(boolean on) {
        try {
            setReversed.invokeExact(on ? 1 : 0);
        } catch (Throwable t) {
            throw new IllegalStateException("emu_set_reversed", t);
        }
    }

    /**
     * With guard on, every new device block (tensors and the backend's scratch buffers) has exactly the bytes asked for,
     * not the caching allocator's bucket, between two red zones of {@link #RED_ZONE} 0xFF bytes, and is freed, not
     * cached, when released. A kernel (or product) that reads up to 256 bytes past either end of its buffer then reads
     * NaN (or -1) instead of a neighbour's data or a bucket's stale tail, which the checks see; one that writes there
     * fails the launch, naming the kernel, the buffer's size and the offset (a write of 0xFF bytes goes unseen). This is
     * the emulator's stand-in for compute-sanitizer's memcheck.
     */
    void guarded(boolean on) {
        guard = on;
    }

    /** Throws unless every guarded block's red zones are still 0xFF, naming what ran last. */
    private void checkRedZones(String ranLast) {
        synchronized (guardedBlocks) {
            for (var e : guardedBlocks.entrySet()) {
                long block = e.getKey(), bytes = e.getValue();
                long before = MemorySegment.mismatch(memory(block - RED_ZONE, RED_ZONE), 0, RED_ZONE, UNTOUCHED, 0, RED_ZONE);
                long after = MemorySegment.mismatch(memory(block + bytes, RED_ZONE), 0, RED_ZONE, UNTOUCHED, 0, RED_ZONE);
                if (before >= 0 || after >= 0) {
                    // Reported once: the zones are restored, so later launches are judged on their own.
                    memory(block - RED_ZONE, RED_ZONE).fill((byte) 0xFF);
                    memory(block + bytes, RED_ZONE).fill((byte) 0xFF);
                    String where = after >= 0 ? "byte " + after + " past the end" : "byte " + (RED_ZONE - before) + " before the start";
                    throw new CudaException(ranLast + " wrote outside its buffer: " + where + " of a " + bytes + "-byte block (guarded emulator memory)");
                }
            }
        }
    }

    /**
     * Since the last {@link #resetCounts()}: kernel launches per kernel name (cuBLAS products as "sgemm"), and
     * "copy to host" for device-to-host copies, the only operations that make the host wait for the GPU, and "device
     * allocation" for the caching allocator's calls to the (emulated) cuMemAlloc.
     */
    public synchronized Map<String, Integer> counts() {
        return new java.util.TreeMap<>(counts);
    }

    public synchronized void resetCounts() {
        counts.clear();
    }

    private synchronized void count(String what) {
        counts.merge(what, 1, Integer::sum);
    }

    private static MemorySegment memory(long address, long bytes) {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    private long hostAllocate(long bytes) {
        try {
            return ((MemorySegment) alloc.invokeExact(bytes)).address();
        } catch (Throwable t) {
            throw new IllegalStateException("emu_alloc", t);
        }
    }

    private void hostFree(long address) {
        try {
            free.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable t) {
            throw new IllegalStateException("emu_free", t);
        }
    }

    private final class EmulatedDriver extends Driver {
        EmulatedDriver(Map<String, byte[]> ptx, long errorRecord) {
            super("emulated GPU (CPU fibers)", MULTIPROCESSORS, 1L << 32, ptx, errorRecord);
        }

        @Override
        void makeCurrent() {}

        @Override
        protected void enqueue(String kernel, int gridX, int gridY, int blockX, Object[] args) {
            count(kernel);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment argv = arena.allocate(ADDRESS, Math.max(1, args.length));
                MemorySegment sizes = arena.allocate(JAVA_INT, Math.max(1, args.length));
                for (int i = 0; i < args.length; i++) {
                    MemorySegment value = switch (args[i]) {
                        case Integer v -> arena.allocateFrom(JAVA_INT, v);
                        case Float v -> arena.allocateFrom(JAVA_FLOAT, v);
                        case Long v -> arena.allocateFrom(JAVA_LONG, v);
                        case int[] v -> arena.allocateFrom(JAVA_INT, v);
                        default -> throw new IllegalArgumentException(kernel + ": unsupported kernel argument " + args[i]);
                    };
                    argv.setAtIndex(ADDRESS, i, value);
                    sizes.setAtIndex(JAVA_INT, i, (int) value.byteSize());
                }
                MemorySegment error = arena.allocate(1024);
                int rc = (int) launch.invokeExact(arena.allocateFrom(kernel), gridX, gridY, blockX, argv, args.length, sizes, error, 1024);
                if (rc != 0) throw new CudaException("emulated launch failed: " + error.getString(0));
                checkRedZones(kernel);
            } catch (CudaException | IllegalArgumentException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("emu_launch(" + kernel + ")", t);
            }
        }

        @Override
        void copyToDevice(long dst, Object hostArray, long bytes) {
            count("copy to device");
            if (bytes > 0) MemorySegment.copy(Driver.hostSegment(hostArray), 0, memory(dst, bytes), 0, bytes);
        }

        @Override
        void copyToHost(Object hostArray, long src, long bytes) {
            count("copy to host");
            if (bytes > 0) MemorySegment.copy(memory(src, bytes), 0, Driver.hostSegment(hostArray), 0, bytes);
        }

        @Override
        void zero(long dst, long bytes) {
            if (bytes > 0) memory(dst, bytes).fill((byte) 0);
        }

        @Override
        void synchronize() {}

        @Override
        GpuTime gpuMillis(Runnable queue) { // the emulator runs each launch before returning
            long t0 = System.nanoTime();
            queue.run();
            return new GpuTime((System.nanoTime() - t0) / 1e6f, true);
        }
    }

    private final class EmulatedAllocator extends DeviceAllocator {
        EmulatedAllocator() {
            super(1L << 32);
        }

        @Override
        protected long allocateOnDevice(long size) {
            count("device allocation");
            return hostAllocate(size);
        }

        @Override
        synchronized long allocate(long bytes) {
            if (!guard || bytes == 0) return super.allocate(bytes);
            long block = hostAllocate(RED_ZONE + bytes + RED_ZONE) + RED_ZONE; // emu_alloc fills it all with 0xFF
            synchronized (guardedBlocks) {
                guardedBlocks.put(block, bytes);
            }
            return block;
        }

        @Override
        synchronized void release(long address, long bytes) {
            Long guardedBytes;
            synchronized (guardedBlocks) {
                guardedBytes = guardedBlocks.remove(address);
            }
            if (guardedBytes == null) super.release(address, bytes);
            else hostFree(address - RED_ZONE);
        }

        @Override
        protected void freeOnDevice(long address) {
            hostFree(address);
        }

        @Override
        protected void synchronizeDevice() {}

        @Override
        protected String deviceMemory() {
            return "emulated device memory (host malloc)";
        }
    }

    private final class EmulatedGemm extends Gemm {
        @Override
        protected void setMathMode(boolean tf32) {} // the emulator computes in full precision either way

        @Override
        protected void stridedBatched(int opA, int opB, int m, int n, int k, long a, int lda, long strideA, long b, int ldb,
                                      long strideB, long c, int ldc, long strideC, int batch) {
            count("sgemm");
            int status;
            try {
                status = (int) sgemm.invokeExact(opA, opB, m, n, k, 1f, MemorySegment.ofAddress(a), lda, strideA,
                        MemorySegment.ofAddress(b), ldb, strideB, 0f, MemorySegment.ofAddress(c), ldc, strideC, batch);
            } catch (Throwable t) {
                throw new IllegalStateException("emu_sgemm_strided_batched", t);
            }
            if (status != 0) {
                throw new CudaException("cublasSgemmStridedBatched (emulated) failed with status " + status + ": m=" + m + " n=" + n + " k="
                        + k + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc);
            }
            checkRedZones("cublasSgemmStridedBatched");
        }

        /** BF16 operands widened to F32 copies (exactly: BF16 is the top half of an F32), then the F32 product. */
        @Override
        protected void stridedBatchedBf16(int opA, int opB, int m, int n, int k, long a, int lda, long strideA, long b, int ldb,
                                          long strideB, long c, int ldc, long strideC, int batch) {
            long fa = widened(a, extent(opA == Cublas.CUBLAS_OP_N ? m : k, opA == Cublas.CUBLAS_OP_N ? k : m, lda, strideA, batch));
            long fb = widened(b, extent(opB == Cublas.CUBLAS_OP_N ? k : n, opB == Cublas.CUBLAS_OP_N ? n : k, ldb, strideB, batch));
            try {
                stridedBatched(opA, opB, m, n, k, fa, lda, strideA, fb, ldb, strideB, c, ldc, strideC, batch);
            } finally {
                hostFree(fa);
                hostFree(fb);
            }
        }

        /** Elements from an operand's first to its last (column-major rows x cols, leading dimension ld, batch of them). */
        private static long extent(int rows, int cols, int ld, long stride, int batch) {
            return (long) (batch - 1) * stride + (long) (cols - 1) * ld + rows;
        }

        private long widened(long bf16, long elements) {
            long f32 = hostAllocate(4 * Math.max(1, elements));
            MemorySegment from = memory(bf16, 2 * elements), to = memory(f32, 4 * elements);
            for (long i = 0; i < elements; i++) {
                to.setAtIndex(JAVA_FLOAT, i, jtrain.engine.BFloat16.toFloat(from.getAtIndex(JAVA_SHORT, i)));
            }
            return f32;
        }
    }
}
