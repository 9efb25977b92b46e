package jtrain.cuda;

import java.lang.ref.Reference;
import java.util.Arrays;

import jtrain.engine.CpuStorage;
import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Shapes;
import jtrain.engine.Storage;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.ops.Views;

/**
 * The Backend contract on an NVIDIA GPU: F32 compute (I32 for ids, targets and masks), kernels from the kernels
 * module's PTX, matrix products by cuBLAS. This class only dispatches: it checks dtypes, makes strided inputs
 * dense where a kernel needs rows (elementwise kernels walk any view themselves), allocates results and launches.
 * Nothing here waits for the GPU except copies to the host, so a training step runs without synchronisation.
 *
 * <p>Every method ends with {@link #keep}: the caller's tensors must stay reachable until their kernels are
 * enqueued, or a collection could hand their blocks to this call's own outputs.
 */
public final class CudaBackend implements Backend {
    private static final int THREADS = 256;

    private final Device device = Device.cuda(0);
    private final Driver driver;
    private final DeviceAllocator allocator;
    private final Gemm gemm;

    CudaBackend(Driver driver, DeviceAllocator allocator, Gemm gemm) {
        this.driver = driver;
        this.allocator = allocator;
        this.gemm = gemm;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype == DType.F32 || dtype == DType.I32;
    }

    /** The GPU's name, e.g. "NVIDIA H200". */
    public String deviceName() {
        return driver.deviceName;
    }

    /** Whether F32 matrix products may use TF32 tensor cores (cublasSetMathMode). */
    public void setTf32(boolean enabled) {
        driver.makeCurrent();
        gemm.setTf32(enabled);
    }

    public boolean tf32() {
        return gemm.tf32();
    }

    /**
     * Whether matrix products round their F32 operands to BF16 first (each operand copied once per product, round to
     * nearest even) and run on BF16 tensor cores with F32 accumulation and F32 results; everything else stays F32.
     * BF16 operands are taken as they are.
     */
    public void setBf16(boolean enabled) {
        gemm.setBf16(enabled);
    }

    public boolean bf16() {
        return gemm.bf16();
    }

    /** "fp32", "tf32" or "bf16": how matrix products compute now (see {@link Devices#setPrecision}). */
    public String precision() {
        return bf16() ? "bf16" : tf32() ? "tf32" : "fp32";
    }

    /** Sets {@link #precision()}: "fp32", "tf32" or "bf16" (one of the two modes on, or neither). */
    public void setPrecision(String precision) {
        if (!precision.equals("fp32") && !precision.equals("tf32") && !precision.equals("bf16")) {
            throw new IllegalArgumentException("unknown precision '" + precision + "' (expected fp32, tf32 or bf16)");
        }
        setTf32(precision.equals("tf32"));
        setBf16(precision.equals("bf16"));
    }

    /** Waits until the GPU finished all work issued so far (for timing), and reports recorded kernel errors. */
    public void synchronize() {
        driver.synchronize();
        driver.checkDeviceErrors();
    }

    /** See {@link Driver#holdStream}: for benchmarks that time the GPU apart from the host. */
    void holdStream(long micros) {
        driver.holdStream(micros);
    }

    /** See {@link Driver#gpuMillis}. */
    Driver.GpuTime gpuMillis(Runnable queue) {
        return driver.gpuMillis(queue);
    }

    /** Frees the allocator's cached blocks. */
    public void emptyCache() {
        driver.makeCurrent();
        allocator.emptyCache();
    }

    /** Lets the collector return dead tensors' blocks (waiting for their cleaners), then frees the cache. */
    void collectGarbageAndEmptyCache() {
        driver.makeCurrent();
        allocator.collectGarbage();
        allocator.emptyCache();
    }

    /** Bytes of device memory in tensors' buffers now (allocator buckets, cached blocks not counted). */
    long bytesInUse() {
        return allocator.inUseBytes();
    }

    /** The allocator's holdings, for logs. */
    public String memorySummary() {
        return allocator.describe();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static void keep(Object... refs) {
        Reference.reachabilityFence(refs);
    }

    private static CudaStorage storageOf(Tensor t) {
        if (!(t.storage() instanceof CudaStorage s)) {
            throw new IllegalArgumentException("cuda backend: " + t.describe() + " is not in device memory");
        }
        return s;
    }

    /** Device address of t's first element (its storage plus its offset). */
    static long addr(Tensor t) {
        return storageOf(t).address() + (long) t.offset() * t.dtype().bytes;
    }

    /** A new contiguous tensor whose contents are undefined (every element is written by the caller's kernel). */
    private Tensor empty(DType dtype, int... shape) {
        driver.makeCurrent();
        return new Tensor(newStorage(dtype, Shapes.numel(shape)), shape);
    }

    /** t itself when contiguous (element i at offset + i), else a dense copy. */
    private Tensor dense(Tensor t) {
        if (t.isContiguous()) return t;
        Tensor c = empty(t.dtype(), t.shape());
        copy(t, c);
        return c;
    }

    private static void requireF32(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t.dtype() != DType.F32) throw new IllegalArgumentException("cuda " + op + ": needs F32, got " + t.describe());
        }
    }

    private static String suffix(DType dtype) {
        return switch (dtype) {
            case F32 -> "f32";
            case I32 -> "i32";
            case BF16 -> "bf16";
            case F64 -> throw new IllegalArgumentException("the cuda backend holds no F64 tensors; convert to F32 first");
        };
    }

    /** Threads for a block-per-row kernel: fewer for short rows, a multiple of 32 in any case. */
    private static int rowThreads(int c) {
        return c <= 64 ? 32 : c <= 256 ? 64 : c <= 1024 ? 128 : c <= 4096 ? 256 : 512;
    }

    private int rowGrid(long rows) {
        return (int) Math.max(1, Math.min(rows, 1L << 20));
    }

    private void launch1d(String kernel, long n, Object... args) {
        if (n == 0) return;
        driver.launch(kernel, driver.gridFor(n, THREADS), THREADS, args);
    }

    // ---- memory -------------------------------------------------------------------------------------------

    /** A new buffer (contents undefined), tracked by the calling thread's memory scope if one is open. */
    private CudaStorage newStorage(DType dtype, int length) {
        CudaStorage s = new CudaStorage(device, dtype, length, allocator);
        CudaScope.track(s);
        return s;
    }

    @Override
    public jtrain.engine.MemoryScope.Tracker openMemoryScope() {
        return CudaScope.open();
    }

    @Override
    public void markLongLived(Storage storage, boolean longLived) {
        if (storage instanceof CudaStorage s) s.markLongLived(longLived);
    }

    @Override
    public Storage allocate(DType dtype, int length) {
        suffix(dtype);
        driver.makeCurrent();
        CudaStorage s = newStorage(dtype, length);
        driver.zero(s.address(), (long) length * dtype.bytes);
        return s;
    }

    @Override
    public Storage allocateUninitialized(DType dtype, int length) {
        suffix(dtype);
        driver.makeCurrent();
        return newStorage(dtype, length);
    }

    @Override
    public Storage fromHost(CpuStorage host) {
        DType dtype = host.dtype();
        Object src = switch (dtype) {
            case F32 -> host.f32;
            case I32 -> host.i32;
            case BF16 -> host.bf16;
            case F64 -> throw new IllegalArgumentException("the cuda backend holds no F64 tensors; convert to F32 before moving to the GPU");
        };
        driver.makeCurrent();
        CudaStorage s = newStorage(dtype, host.length());
        driver.copyToDevice(s.address(), src, (long) host.length() * dtype.bytes);
        return s;
    }

    @Override
    public CpuStorage toHost(Storage storage) {
        CudaStorage s = (CudaStorage) storage;
        CpuStorage host = CpuStorage.allocate(s.dtype(), s.length());
        Object dst = switch (s.dtype()) {
            case F32 -> host.f32;
            case I32 -> host.i32;
            case BF16 -> host.bf16;
            case F64 -> throw new IllegalStateException("unreachable: no F64 on the device");
        };
        driver.copyToHost(dst, s.address(), (long) s.length() * s.dtype().bytes);
        driver.checkDeviceErrors();
        keep(storage);
        return host;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        int n = src.numel();
        launch1d("copy_" + suffix(src.dtype()) + "_" + suffix(dst.dtype()), n, n, storageOf(src).address(), storageOf(dst).address(),
                Layouts.of(src, dst));
        keep(src, dst);
    }

    @Override
    public void fill(Tensor dst, double value) {
        int n = dst.numel();
        switch (dst.dtype()) {
            case F32 -> launch1d("fill_f32", n, n, storageOf(dst).address(), (float) value, Layouts.of(dst));
            case I32 -> launch1d("fill_i32", n, n, storageOf(dst).address(), (int) value, Layouts.of(dst));
            default -> throw new IllegalArgumentException("cuda fill: unsupported dtype " + dst.describe());
        }
        keep(dst);
    }

    // ---- elementwise -----------------------------------------------------------------------------------------

    @Override
    public Tensor unary(Unary op, Tensor x) {
        Tensor out = empty(x.dtype(), x.shape());
        int n = x.numel();
        if (x.dtype() == DType.F32 && op == Unary.GELU && x.isContiguous()) {
            launch1d("gelu_forward_f32", n, n, addr(x), addr(out));
        } else {
            launch1d("unary_" + suffix(x.dtype()), n, op.ordinal(), n, storageOf(x).address(), addr(out), Layouts.of(x));
        }
        keep(x, out);
        return out;
    }

    @Override
    public Tensor binary(Binary op, Tensor a, Tensor b) {
        Tensor out = empty(a.dtype(), a.shape());
        int n = a.numel();
        if (a.dtype() == DType.F32 && op == Binary.GELU_BACKWARD && a.isContiguous() && b.isContiguous()) {
            launch1d("gelu_backward_f32", n, n, addr(a), addr(b), addr(out));
        } else {
            launch1d("binary_" + suffix(a.dtype()), n, op.ordinal(), n, storageOf(a).address(), storageOf(b).address(), addr(out),
                    Layouts.of(a, b));
        }
        keep(a, b, out);
        return out;
    }

    @Override
    public Tensor activation(Activation op, double c, Tensor x) {
        requireF32("activation " + op, x);
        Tensor dx = dense(x), out = empty(DType.F32, x.shape());
        int n = x.numel();
        launch1d(activationKernel(op) + "_forward_f32", n, n, (float) c, addr(dx), addr(out));
        keep(x, dx, out);
        return out;
    }

    @Override
    public Tensor activationBackward(Activation op, double c, Tensor x, Tensor gy) {
        requireF32("activation " + op + " backward", x, gy);
        Tensor dx = dense(x), dg = dense(gy), out = empty(DType.F32, x.shape());
        int n = x.numel();
        launch1d(activationKernel(op) + "_backward_f32", n, n, (float) c, addr(dx), addr(dg), addr(out));
        keep(x, gy, dx, dg, out);
        return out;
    }

    /** The kernels' name stem in activations.cu. */
    private static String activationKernel(Activation op) {
        return switch (op) {
            case GELU_TANH -> "gelu_tanh";
            case SWISH -> "swish";
        };
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        Tensor out = empty(a.dtype(), a.shape());
        int n = a.numel();
        launch1d("where_" + suffix(cond.dtype()) + "_" + suffix(a.dtype()), n, n, storageOf(cond).address(), storageOf(a).address(),
                storageOf(b).address(), addr(out), Layouts.of(cond, a, b));
        keep(cond, a, b, out);
        return out;
    }

    @Override
    public void addInPlace(Tensor dst, Tensor src) {
        requireF32("addInPlace", dst, src);
        if (!dst.isContiguous()) throw new IllegalArgumentException("cuda addInPlace: destination must be contiguous: " + dst.describe());
        int n = dst.numel();
        launch1d("add_inplace_f32", n, n, addr(dst), storageOf(src).address(), Layouts.of(src));
        keep(dst, src);
    }

    @Override
    public void scaleInPlace(Tensor dst, Tensor scalar) {
        requireF32("scaleInPlace", dst, scalar);
        if (!dst.isContiguous()) throw new IllegalArgumentException("cuda scaleInPlace: destination must be contiguous: " + dst.describe());
        int n = dst.numel();
        launch1d("scale_inplace_f32", n, n, addr(dst), addr(scalar));
        keep(dst, scalar);
    }

    // ---- reductions ----------------------------------------------------------------------------------------

    @Override
    public Tensor reduce(Reduce op, Tensor x, boolean[] reduced) {
        requireF32("reduce", x);
        int[] shape = x.shape(), outShape = shape.clone();
        int reducedCount = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                outShape[d] = 1;
                reducedCount *= shape[d];
            }
        }
        int outN = Shapes.numel(outShape);
        Tensor out = empty(DType.F32, outShape);
        if (outN == 0) return out;
        if (reducedCount == 0) {
            fill(out, op == Reduce.SUM ? 0 : Double.NEGATIVE_INFINITY);
        } else if (op == Reduce.SUM && outN >= 32 && x.isContiguous() && reducesLeadingDims(shape, reduced)) {
            columnSums(addr(x), reducedCount, outN, addr(out));
        } else {
            reduceGeneric(op, x, reduced, outN, reducedCount, out);
        }
        keep(x, out);
        return out;
    }

    /** True when the reduced dimensions (of size > 1) all come before the kept ones (of size > 1). */
    private static boolean reducesLeadingDims(int[] shape, boolean[] reduced) {
        boolean seenKept = false;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (!reduced[d]) seenKept = true;
            else if (seenKept) return false;
        }
        return true;
    }

    /** out[j] = sum over rows of x[r * cols + j] for a contiguous (rows, cols) x: the bias-gradient shape. */
    private void columnSums(long x, int rows, int cols, long out) {
        int rowsPerChunk = rowsPerChunk(rows);
        int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        long partial = allocator.allocate((long) chunks * cols * 4);
        driver.launch2d("colsum_partial_f32", (cols + THREADS - 1) / THREADS, chunks, THREADS, rows, cols, rowsPerChunk, x, partial);
        launch1d("colsum_finish_f32", cols, chunks, cols, partial, out);
        allocator.release(partial, (long) chunks * cols * 4);
    }

    /** Rows per block of a column-sum: 64, or more so that the chunks fit a grid's y dimension with room. */
    private static int rowsPerChunk(int rows) {
        return Math.max(64, (rows + 8191) / 8192);
    }

    private void reduceGeneric(Reduce op, Tensor x, boolean[] reduced, int outN, int r, Tensor out) {
        // Few outputs over many elements: split each output's elements into chunks reduced by separate blocks,
        // then reduce the (outN, chunks) partials again.
        int chunks = (int) Math.max(1, Math.min((r + 4095L) / 4096, Math.max(1, 4L * driver.multiprocessors / outN)));
        int threads = r >= 1024 ? 256 : r >= 128 ? 128 : 32;
        int[] layout = Layouts.reduce(x, reduced);
        if (chunks == 1) {
            driver.launch("reduce_f32", rowGrid(outN), threads, op.ordinal(), outN, r, 1, storageOf(x).address(), addr(out), layout);
            return;
        }
        long bytes = (long) outN * chunks * 4;
        long partial = allocator.allocate(bytes);
        driver.launch("reduce_f32", rowGrid((long) outN * chunks), threads, op.ordinal(), outN, r, chunks, storageOf(x).address(),
                partial, layout);
        Tensor partials = new Tensor(new AliasStorage(partial, outN * chunks), new int[] {outN, chunks});
        int[] second = Layouts.reduce(partials, new boolean[] {false, true});
        driver.launch("reduce_f32", rowGrid(outN), chunks >= 128 ? 128 : 32, op.ordinal(), outN, chunks, 1, partial, addr(out), second);
        allocator.release(partial, bytes);
    }

    /** Describes a scratch block as a storage, only to build layouts over it (never registered with a cleaner). */
    private record AliasStorage(long address, int length) implements Storage {
        @Override
        public Device device() {
            return Device.cuda(0);
        }

        @Override
        public DType dtype() {
            return DType.F32;
        }
    }

    // ---- matrix products -------------------------------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        if (!(gemm.bf16() && a.dtype() == DType.BF16 && b.dtype() == DType.BF16)) requireF32("matmul", a, b);
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        if (k == 0) return new Tensor(allocate(DType.F32, batch * m * n), batch, m, n); // an empty sum is 0
        Tensor out = empty(DType.F32, batch, m, n);
        if (batch * m * n == 0) return out;
        Tensor ma = Gemm.isMatrixLayout(a) ? a : dense(a);
        Tensor mb = Gemm.isMatrixLayout(b) ? b : dense(b);
        Tensor ga = gemm.bf16() ? bf16Operand(ma) : ma, gb = gemm.bf16() ? bf16Operand(mb) : mb;
        driver.makeCurrent();
        gemm.multiply(ga, addr(ga), gb, addr(gb), addr(out));
        // Copies made here are dead once the product is queued (the one stream reads them before any later reuse):
        // back to the allocator now, not at the end of the memory scope.
        for (Tensor copy : new Tensor[] {ma, mb, ga, gb}) if (copy != a && copy != b) storageOf(copy).release();
        keep(a, b, out);
        return out;
    }

    /**
     * A BF16 copy of a matmul operand t (batch, r, c) in the same orientation (row- or column-major, so the copy reads
     * and writes in storage order), one matrix only when the batch shares it (stride 0). A BF16 t is returned as is.
     */
    private Tensor bf16Operand(Tensor t) {
        if (t.dtype() == DType.BF16) return t;
        int batch = t.size(0), r = t.size(1), c = t.size(2), sr = t.stride(1), sc = t.stride(2);
        boolean shared = batch > 1 && t.stride(0) == 0, columnMajor = !((sc == 1 || c == 1) && (sr >= c || r == 1));
        int copies = shared ? 1 : batch;
        // The source as a row-major (copies, rows, cols) view: t itself, or its transpose when column-major.
        Tensor src = columnMajor ? Views.strided(t, new int[] {copies, c, r}, new int[] {t.stride(0), sc, sr}, t.offset())
                : Views.strided(t, new int[] {copies, r, c}, new int[] {t.stride(0), sr, sc}, t.offset());
        Tensor dst = empty(DType.BF16, src.shape());
        copy(src, dst);
        int batchStride = shared ? 0 : r * c;
        return columnMajor ? Views.strided(dst, new int[] {batch, r, c}, new int[] {batchStride, 1, r}, 0)
                : Views.strided(dst, new int[] {batch, r, c}, new int[] {batchStride, c, 1}, 0);
    }

    // ---- fused kernels -------------------------------------------------------------------------------------

    private static int rows(Tensor x) {
        return x.numel() / Math.max(1, x.size(-1));
    }

    private Tensor rowKernel(String kernel, Tensor x) {
        requireF32(kernel, x);
        Tensor dx = dense(x);
        Tensor out = empty(DType.F32, x.shape());
        int rows = rows(x), c = x.size(-1);
        if (x.numel() > 0) driver.launch(kernel, rowGrid(rows), rowThreads(c), rows, c, addr(dx), addr(out));
        keep(x, dx, out);
        return out;
    }

    private Tensor rowBackward(String kernel, Tensor y, Tensor gy) {
        requireF32(kernel, y, gy);
        Tensor dy = dense(y), dg = dense(gy);
        Tensor out = empty(DType.F32, y.shape());
        int rows = rows(y), c = y.size(-1);
        if (y.numel() > 0) driver.launch(kernel, rowGrid(rows), rowThreads(c), rows, c, addr(dy), addr(dg), addr(out));
        keep(y, gy, dy, dg, out);
        return out;
    }

    @Override
    public Tensor softmax(Tensor x) {
        return rowKernel("softmax_f32", x);
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor gy) {
        return rowBackward("softmax_backward_f32", y, gy);
    }

    @Override
    public Tensor logSoftmax(Tensor x) {
        return rowKernel("log_softmax_f32", x);
    }

    @Override
    public Tensor logSoftmaxBackward(Tensor y, Tensor gy) {
        return rowBackward("log_softmax_backward_f32", y, gy);
    }

    @Override
    public Tensor[] layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        requireF32("layerNorm", x, gamma, beta);
        Tensor dx = dense(x), dg = dense(gamma), db = dense(beta);
        int rows = rows(x), c = x.size(-1);
        Tensor y = empty(DType.F32, x.shape()), mean = empty(DType.F32, rows), rstd = empty(DType.F32, rows);
        if (x.numel() > 0) {
            driver.launch("layernorm_forward_f32", rowGrid(rows), rowThreads(c), rows, c, (float) eps, addr(dx), addr(dg), addr(db),
                    addr(y), addr(mean), addr(rstd));
        }
        keep(x, gamma, beta, dx, dg, db, y, mean, rstd);
        return new Tensor[] {y, mean, rstd};
    }

    @Override
    public Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        requireF32("layerNormBackward", gy, x, gamma, mean, rstd);
        Tensor dgy = dense(gy), dx = dense(x), dgam = dense(gamma), dm = dense(mean), dr = dense(rstd);
        int rows = rows(x), c = x.size(-1);
        Tensor gx = empty(DType.F32, x.shape());
        Tensor ggamma = empty(DType.F32, gamma.shape()), gbeta = empty(DType.F32, gamma.shape());
        if (rows == 0) {
            fill(ggamma, 0);
            fill(gbeta, 0);
        } else if (c > 0) {
            driver.launch("layernorm_backward_input_f32", rowGrid(rows), rowThreads(c), rows, c, addr(dgy), addr(dx), addr(dgam),
                    addr(dm), addr(dr), addr(gx));
            int rowsPerChunk = rowsPerChunk(rows);
            int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
            long bytes = (long) chunks * c * 4;
            long pg = allocator.allocate(bytes), pb = allocator.allocate(bytes);
            driver.launch2d("layernorm_backward_params_partial_f32", (c + THREADS - 1) / THREADS, chunks, THREADS, rows, c, rowsPerChunk,
                    addr(dgy), addr(dx), addr(dm), addr(dr), pg, pb);
            launch1d("colsum_finish_f32", c, chunks, c, pg, addr(ggamma));
            launch1d("colsum_finish_f32", c, chunks, c, pb, addr(gbeta));
            allocator.release(pg, bytes);
            allocator.release(pb, bytes);
        }
        keep(gy, x, gamma, mean, rstd, dgy, dx, dgam, dm, dr, gx, ggamma, gbeta);
        return new Tensor[] {gx, ggamma, gbeta};
    }

    @Override
    public Tensor embedding(Tensor weight, Tensor ids) {
        requireF32("embedding", weight);
        Tensor dw = dense(weight), di = dense(ids);
        int vocab = weight.size(0), dim = weight.size(1), n = ids.numel();
        int[] outShape = Arrays.copyOf(ids.shape(), ids.rank() + 1);
        outShape[ids.rank()] = dim;
        Tensor out = empty(DType.F32, outShape);
        launch1d("embedding_forward_f32", (long) n * dim, n, dim, vocab, addr(dw), addr(di), addr(out), driver.errorRecord());
        keep(weight, ids, dw, di, out);
        return out;
    }

    @Override
    public Tensor embeddingBackward(Tensor gy, Tensor ids, int vocab) {
        requireF32("embeddingBackward", gy);
        Tensor dg = dense(gy), di = dense(ids);
        int dim = gy.size(-1), n = ids.numel();
        Tensor gw = new Tensor(allocate(DType.F32, vocab * dim), vocab, dim);
        launch1d("embedding_backward_f32", (long) n * dim, n, dim, vocab, addr(dg), addr(di), addr(gw), driver.errorRecord());
        keep(gy, ids, dg, di, gw);
        return gw;
    }

    @Override
    public Tensor[] crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        requireF32("crossEntropy", logits);
        Tensor dl = dense(logits), dt = dense(targets);
        int n = logits.size(0), c = logits.size(1);
        Tensor lse = empty(DType.F32, n), loss = empty(DType.F32);
        long bytes = Math.max(1L, n) * 4;
        long rowLoss = allocator.allocate(bytes), rowCount = allocator.allocate(bytes);
        if (n > 0) {
            driver.launch("cross_entropy_rows_f32", rowGrid(n), rowThreads(c), n, c, ignoreIndex, addr(dl), addr(dt), addr(lse), rowLoss,
                    rowCount, driver.errorRecord());
        }
        driver.launch("cross_entropy_finish_f32", 1, 1024, n, rowLoss, rowCount, addr(loss));
        allocator.release(rowLoss, bytes);
        allocator.release(rowCount, bytes);
        keep(logits, targets, dl, dt, lse, loss);
        return new Tensor[] {loss, lse};
    }

    @Override
    public Tensor crossEntropyBackward(Tensor logits, Tensor logSumExp, Tensor targets, int ignoreIndex, Tensor gLoss) {
        requireF32("crossEntropyBackward", logits, logSumExp, gLoss);
        Tensor dl = dense(logits), dlse = dense(logSumExp), dt = dense(targets);
        int n = logits.size(0), c = logits.size(1);
        Tensor g = empty(DType.F32, n, c);
        long count = allocator.allocate(4);
        driver.launch("cross_entropy_count_f32", 1, 1024, n, c, ignoreIndex, addr(dt), count);
        launch1d("cross_entropy_backward_f32", (long) n * c, n, c, ignoreIndex, addr(dl), addr(dlse), addr(dt), addr(gLoss), count, addr(g));
        allocator.release(count, 4);
        keep(logits, logSumExp, targets, gLoss, dl, dlse, dt, g);
        return g;
    }

    @Override
    public Tensor dropoutMask(int[] shape, DType dtype, double p, long seed) {
        Tensor mask = empty(DType.F32, shape);
        int n = mask.numel();
        // u >= p with u = k * 2^-24 is exactly k >= ceil(p * 2^24) (scaling by 2^24 is exact in double).
        long threshold = Double.isNaN(p) ? Long.MAX_VALUE : (long) Math.ceil(p * 0x1.0p24);
        float keep = (float) (1 / (1 - p));
        launch1d("dropout_mask_f32", n, n, seed, threshold, keep, addr(mask));
        if (dtype == DType.F32) return mask;
        Tensor converted = empty(dtype, shape);
        copy(mask, converted);
        return converted;
    }

    @Override
    public Tensor sumOfSquares(Tensor x) {
        requireF32("sumOfSquares", x);
        Tensor out = empty(DType.F32);
        int n = x.numel();
        int blocks = driver.gridFor(n, THREADS);
        long partial = allocator.allocate((long) blocks * 4);
        if (n > 0) driver.launch("sumsq_partial_f32", blocks, THREADS, n, storageOf(x).address(), partial, Layouts.of(x));
        else driver.zero(partial, 4);
        driver.launch("sum_dense_f32", 1, 1024, n > 0 ? blocks : 1, partial, addr(out));
        allocator.release(partial, (long) blocks * 4);
        keep(x, out);
        return out;
    }

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                      double weightDecay, double biasCorrection1, double biasCorrection2) {
        requireF32("adamw", param, grad, m, v);
        for (Tensor t : new Tensor[] {param, grad, m, v}) {
            if (!t.isContiguous()) throw new IllegalArgumentException("cuda adamw: needs contiguous tensors, got " + t.describe());
        }
        int n = param.numel();
        launch1d("adamw_f32", n, n, addr(param), addr(grad), addr(m), addr(v), (float) (1 - lr * weightDecay), (float) beta1,
                (float) (1 - beta1), (float) beta2, (float) (1 - beta2), (float) (lr / biasCorrection1), (float) (1 / biasCorrection2),
                (float) eps);
        keep(param, grad, m, v);
    }

    /**
     * Every update in one launch of adamw_multi_f32 ({@link AdamWTable}): the table goes to the device through the
     * staged upload, then one block per chunk. The same arithmetic as {@link #adamw}, element for element.
     */
    @Override
    public void adamwAll(java.util.List<AdamWUpdate> updates) {
        java.util.List<AdamWUpdate> work = new java.util.ArrayList<>();
        for (AdamWUpdate u : updates) {
            requireF32("adamw", u.param(), u.grad(), u.m(), u.v());
            for (Tensor t : new Tensor[] {u.param(), u.grad(), u.m(), u.v()}) {
                if (!t.isContiguous() || t.numel() != u.param().numel()) {
                    throw new IllegalArgumentException("cuda adamw: needs contiguous tensors of the parameter's size, got " + t.describe());
                }
            }
            if (u.param().numel() > 0) work.add(u);
        }
        if (work.isEmpty()) return;
        AdamWTable table = AdamWTable.of(work);
        driver.makeCurrent();
        long bytes = table.bytes(), device = allocator.allocate(bytes);
        try {
            driver.copyToDevice(device, table.ints(), bytes);
            driver.launch("adamw_multi_f32", table.chunks(), THREADS, device, device + table.chunksOffset(), AdamWTable.CHUNK);
        } finally {
            allocator.release(device, bytes); // reused only by work queued after this launch (one stream)
        }
        keep(work);
        for (AdamWUpdate u : work) keep(u.param(), u.grad(), u.m(), u.v());
    }
}
