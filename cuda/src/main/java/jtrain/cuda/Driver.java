package jtrain.cuda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA driver API through JCuda: one device's primary context, the PTX modules, kernel launches, copies and
 * the device-side error record. Every call's return code is checked and a failure names the function.
 *
 * <p>All work goes to the legacy default stream, the backend's one stream: kernels, cuBLAS and the synchronous
 * host copies are then ordered without events, and reading data (item(), toHost) is the only synchronisation.
 * With {@code -Djtrain.cuda.sync=true} every launch is followed by cuCtxSynchronize, so an asynchronous launch
 * error surfaces at the kernel that caused it.
 */
class Driver {
    static final boolean SYNC = Boolean.getBoolean("jtrain.cuda.sync");

    final CUdevice device = new CUdevice();
    final CUcontext context = new CUcontext();
    final String deviceName;
    final int multiprocessors;
    final long totalMemory;
    private final KernelSignatures signatures;
    private final List<CUmodule> modules = new ArrayList<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);
    /** Pinned staging for small uploads (no stream synchronisation), or null: test drivers, or pinned memory refused. */
    private final HostStaging staging;
    /** Four ints on the device: error code, bad id, flat position, limit (see kernels' common.cuh). */
    private final long errorRecord;

    /** Opens device 0's primary context (the one cuBLAS also uses) and loads the PTX modules. */
    Driver(Map<String, byte[]> ptxModules) {
        signatures = new KernelSignatures(ptxModules);
        check("cuDeviceGet", JCudaDriver.cuDeviceGet(device, 0));
        check("cuDevicePrimaryCtxRetain", JCudaDriver.cuDevicePrimaryCtxRetain(context, device));
        makeCurrent();
        byte[] name = new byte[256];
        check("cuDeviceGetName", JCudaDriver.cuDeviceGetName(name, name.length, device));
        int end = 0;
        while (end < name.length && name[end] != 0) end++;
        deviceName = new String(name, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
        int[] sm = new int[1];
        check("cuDeviceGetAttribute", JCudaDriver.cuDeviceGetAttribute(sm, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device));
        multiprocessors = sm[0];
        long[] total = new long[1];
        check("cuDeviceTotalMem", JCudaDriver.cuDeviceTotalMem(total, device));
        totalMemory = total[0];
        for (var e : ptxModules.entrySet()) {
            CUmodule m = new CUmodule();
            byte[] ptx = java.util.Arrays.copyOf(e.getValue(), e.getValue().length + 1); // NUL-terminated text
            check("cuModuleLoadData(" + e.getKey() + ".ptx)", JCudaDriver.cuModuleLoadData(m, ptx));
            modules.add(m);
        }
        DevicePointer err = new DevicePointer();
        check("cuMemAlloc(error record)", JCudaDriver.cuMemAlloc(err, 16));
        errorRecord = err.address();
        check("cuMemsetD8(error record)", JCudaDriver.cuMemsetD8(err, (byte) 0, 16));
        staging = Boolean.parseBoolean(System.getProperty("jtrain.cuda.stagedUploads", "true")) ? pinnedStagingOrNull() : null;
    }

    private static HostStaging pinnedStagingOrNull() {
        try {
            return new HostStaging();
        } catch (CudaException e) {
            System.err.println("cuda: no pinned staging for uploads, small copies will synchronise (" + e.getMessage() + ")");
            return null;
        }
    }

    /**
     * For tests without a GPU: no context; subclasses override the calls that would reach the device. errorRecord
     * is the address of the 16-byte error record in the subclass's memory.
     */
    protected Driver(String deviceName, int multiprocessors, long totalMemory, Map<String, byte[]> ptxModules, long errorRecord) {
        this.signatures = new KernelSignatures(ptxModules);
        this.deviceName = deviceName;
        this.multiprocessors = multiprocessors;
        this.totalMemory = totalMemory;
        this.errorRecord = errorRecord;
        this.staging = null;
    }

    static void check(String function, int rc) {
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaException(function + " failed: " + CUresult.stringFor(rc)
                    + (SYNC ? "" : " (errors of earlier asynchronous launches surface late: run with -Djtrain.cuda.sync=true to find the kernel)"));
        }
    }

    /** "free X of Y MiB" as the driver sees it, for out-of-memory messages. */
    static String memoryInfo() {
        long[] free = new long[1], total = new long[1];
        int rc = JCudaDriver.cuMemGetInfo(free, total);
        if (rc != CUresult.CUDA_SUCCESS) return "cuMemGetInfo failed: " + CUresult.stringFor(rc);
        return String.format("%.1f MiB free of %.1f MiB", free[0] / 1048576.0, total[0] / 1048576.0);
    }

    /** JCuda binds a context per thread: every entry point calls this first (cheap after the first time). */
    void makeCurrent() {
        if (!current.get()) {
            check("cuCtxSetCurrent", JCudaDriver.cuCtxSetCurrent(context));
            current.set(true);
        }
    }

    /** Blocks for a 1-D grid-stride kernel: enough to fill every multiprocessor several times, at least one. */
    int gridFor(long n, int threads) {
        long blocks = (n + threads - 1) / threads;
        return (int) Math.max(1, Math.min(blocks, (long) multiprocessors * 32));
    }

    /** Launches a kernel on a 1-D grid; see {@link #launch2d} for the arguments. */
    void launch(String kernel, int grid, int block, Object... args) {
        launch2d(kernel, grid, 1, block, args);
    }

    /**
     * Launches kernel on a (gridX, gridY) grid of blocks of blockX threads. Arguments, in the kernel's order:
     * Integer (int), Float (float), Long (a device address or a 64-bit integer), int[] (a struct of ints, such
     * as a Layout, passed by value).
     */
    void launch2d(String kernel, int gridX, int gridY, int blockX, Object... args) {
        signatures.check(kernel, args);
        if (gridX < 1 || gridY < 1 || gridY > 65535 || blockX < 1 || blockX > 1024) {
            throw new IllegalArgumentException(kernel + ": bad launch shape grid (" + gridX + ", " + gridY + ") block " + blockX);
        }
        enqueue(kernel, gridX, gridY, blockX, args);
    }

    /** Packs the arguments (each a pointer to its value) and calls cuLaunchKernel on the default stream. */
    protected void enqueue(String kernel, int gridX, int gridY, int blockX, Object[] args) {
        makeCurrent();
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                case Integer v -> Pointer.to(new int[] {v});
                case Float v -> Pointer.to(new float[] {v});
                case Long v -> Pointer.to(new long[] {v});
                case int[] v -> Pointer.to(v);
                default -> throw new IllegalArgumentException(kernel + ": unsupported kernel argument " + args[i]);
            };
        }
        check("cuLaunchKernel(" + kernel + ")", JCudaDriver.cuLaunchKernel(function(kernel), gridX, gridY, 1, blockX, 1, 1,
                0, null, Pointer.to(params), null));
        if (SYNC) check("cuCtxSynchronize after " + kernel, JCudaDriver.cuCtxSynchronize());
    }

    /**
     * Keeps the stream busy for at least about micros microseconds (spin_wait: SM cycles, counted at 2 GHz, the
     * most an H200 runs at), so that work the host queues meanwhile then runs back to back: see {@link #gpuMillis}.
     */
    void holdStream(long micros) {
        launch("spin_wait", 1, 32, micros * 2000L);
    }

    /** What {@link #gpuMillis} measured; held: the GPU had not begun the work when the host finished queuing it. */
    record GpuTime(float millis, boolean held) {}

    /**
     * The GPU time of the work that queue puts on the stream: events recorded before and after it, then waited for.
     * Gaps where the GPU waited for the host count too, unless the stream was held ({@link #holdStream}) until the
     * host had queued it all, which {@code held} reports: the start event was still pending at that point.
     */
    GpuTime gpuMillis(Runnable queue) {
        makeCurrent();
        CUevent start = new CUevent(), end = new CUevent();
        check("cuEventCreate", JCudaDriver.cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT));
        check("cuEventCreate", JCudaDriver.cuEventCreate(end, CUevent_flags.CU_EVENT_DEFAULT));
        try {
            check("cuEventRecord", JCudaDriver.cuEventRecord(start, null));
            queue.run();
            int startState = JCudaDriver.cuEventQuery(start);
            if (startState != CUresult.CUDA_ERROR_NOT_READY) check("cuEventQuery", startState);
            check("cuEventRecord", JCudaDriver.cuEventRecord(end, null));
            check("cuEventSynchronize", JCudaDriver.cuEventSynchronize(end));
            float[] ms = new float[1];
            check("cuEventElapsedTime", JCudaDriver.cuEventElapsedTime(ms, start, end));
            return new GpuTime(ms[0], startState == CUresult.CUDA_ERROR_NOT_READY);
        } finally {
            JCudaDriver.cuEventDestroy(start);
            JCudaDriver.cuEventDestroy(end);
        }
    }

    private CUfunction function(String kernel) {
        CUfunction f = functions.get(kernel);
        if (f != null) return f;
        for (CUmodule m : modules) {
            CUfunction candidate = new CUfunction();
            if (JCudaDriver.cuModuleGetFunction(candidate, m, kernel) == CUresult.CUDA_SUCCESS) {
                functions.put(kernel, candidate);
                return candidate;
            }
        }
        throw new CudaException("cuModuleGetFunction: no kernel '" + kernel + "' in the loaded PTX modules");
    }

    /**
     * Copies the first bytes bytes of a host array (float[], int[] or short[]) to device address dst. Small copies
     * are queued through pinned memory ({@link HostStaging}) and do not wait for the GPU; the array may be reused
     * at once either way.
     */
    void copyToDevice(long dst, Object hostArray, long bytes) {
        makeCurrent();
        if (bytes <= 0) return;
        if (staging != null && bytes <= HostStaging.MAX_BYTES) staging.upload(dst, hostSegment(hostArray), bytes);
        else check("cuMemcpyHtoD", JCudaDriver.cuMemcpyHtoD(DevicePointer.at(dst), hostPointer(hostArray), bytes));
    }

    /** Synchronous: waits for all earlier work on the stream, so the host array (float[], int[] or short[]) sees its results. */
    void copyToHost(Object hostArray, long src, long bytes) {
        makeCurrent();
        if (bytes > 0) check("cuMemcpyDtoH", JCudaDriver.cuMemcpyDtoH(hostPointer(hostArray), DevicePointer.at(src), bytes));
    }

    static java.lang.foreign.MemorySegment hostSegment(Object array) {
        return switch (array) {
            case float[] a -> java.lang.foreign.MemorySegment.ofArray(a);
            case int[] a -> java.lang.foreign.MemorySegment.ofArray(a);
            case short[] a -> java.lang.foreign.MemorySegment.ofArray(a);
            default -> throw new IllegalArgumentException("not a host array of float, int or short: " + array);
        };
    }

    private static Pointer hostPointer(Object array) {
        return switch (array) {
            case float[] a -> Pointer.to(a);
            case int[] a -> Pointer.to(a);
            case short[] a -> Pointer.to(a);
            default -> throw new IllegalArgumentException("not a host array of float, int or short: " + array);
        };
    }

    void zero(long dst, long bytes) {
        makeCurrent();
        if (bytes > 0) check("cuMemsetD8Async", JCudaDriver.cuMemsetD8Async(DevicePointer.at(dst), (byte) 0, bytes, null));
    }

    void synchronize() {
        makeCurrent();
        check("cuCtxSynchronize", JCudaDriver.cuCtxSynchronize());
    }

    long errorRecord() {
        return errorRecord;
    }

    /** Throws (once) for a bad id that a kernel recorded since the last check; call after a synchronising copy. */
    void checkDeviceErrors() {
        int[] rec = new int[4];
        copyToHost(rec, errorRecord(), 16);
        if (rec[0] == 0) return;
        zero(errorRecord(), 16);
        String op = switch (rec[0]) {
            case 1 -> "embedding";
            case 2 -> "embedding backward";
            case 3 -> "cross_entropy target";
            default -> "kernel error " + rec[0];
        };
        throw new IndexOutOfBoundsException(op + ": id " + rec[1] + " at flat position " + rec[2] + " is outside [0, " + rec[3]
                + ") (found on the GPU, reported at the next read of device data)");
    }
}
