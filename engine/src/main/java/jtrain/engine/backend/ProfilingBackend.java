package jtrain.engine.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jtrain.engine.CpuStorage;
import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Phase;
import jtrain.engine.Storage;
import jtrain.engine.Tensor;

/**
 * A Backend that times every primitive of the backend it wraps, by name and {@link Phase} ("forward", "backward",
 * "optimizer", ...). Install it with
 * {@code Backends.useCpu(new ProfilingBackend(Backends.cpu()))}; results are identical to the wrapped backend's.
 * Time spent outside the primitives (autograd bookkeeping, views, the model's Java code) is what a caller's wall
 * clock shows beyond {@link #totalNanos()}.
 */
public final class ProfilingBackend implements Backend {
    /** Calls and nanoseconds of one (phase, primitive) pair. */
    public record Entry(String phase, String op, long calls, long nanos) {}

    private final Backend inner;
    private final Map<String, long[]> times = new ConcurrentHashMap<>();
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    public ProfilingBackend(Backend inner) {
        this.inner = inner;
    }

    public void reset() {
        times.clear();
    }

    /** The entries, slowest first. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        times.forEach((key, v) -> {
            int sep = key.indexOf(' ');
            out.add(new Entry(key.substring(0, sep), key.substring(sep + 1), v[0], v[1]));
        });
        out.sort(Comparator.comparingLong(Entry::nanos).reversed());
        return out;
    }

    public long totalNanos() {
        return entries().stream().mapToLong(Entry::nanos).sum();
    }

    /**
     * A text table: phase, primitive, calls and milliseconds per step, share of wallNanos; then the time outside the
     * primitives. steps divides counts and times (1 for totals).
     */
    public String table(long wallNanos, int steps) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s %-26s %10s %12s %7s%n", "phase", "primitive", "calls/step", "ms/step", "share"));
        for (Entry e : entries()) {
            sb.append(String.format(Locale.ROOT, "%-10s %-26s %10.1f %12.2f %6.1f%%%n", e.phase(), e.op(), (double) e.calls() / steps,
                    e.nanos() / 1e6 / steps, 100.0 * e.nanos() / wallNanos));
        }
        long outside = wallNanos - totalNanos();
        sb.append(String.format(Locale.ROOT, "%-10s %-26s %10s %12.2f %6.1f%%%n", "-", "outside primitives", "", outside / 1e6 / steps,
                100.0 * outside / wallNanos));
        return sb.toString();
    }

    private <T> T timed(String op, Supplier<T> call) {
        int[] d = depth.get();
        if (d[0] > 0) return call.get(); // a primitive called from inside another counts as part of the outer one
        long t0 = System.nanoTime();
        d[0]++;
        try {
            return call.get();
        } finally {
            d[0]--;
            long dt = System.nanoTime() - t0;
            long[] v = times.computeIfAbsent(Phase.current() + " " + op, k -> new long[2]);
            synchronized (v) {
                v[0]++;
                v[1] += dt;
            }
        }
    }

    private void timedRun(String op, Runnable call) {
        timed(op, () -> {
            call.run();
            return null;
        });
    }

    // ---- delegation --------------------------------------------------------------------------------------------

    @Override public String name() { return inner.name(); }
    @Override public Device device() { return inner.device(); }
    @Override public boolean supports(DType dtype) { return inner.supports(dtype); }
    // Memory scopes and long-lived marks reach the wrapped backend unchanged (they are bookkeeping, not timed work).
    @Override public jtrain.engine.MemoryScope.Tracker openMemoryScope() { return inner.openMemoryScope(); }
    @Override public void markLongLived(Storage storage, boolean longLived) { inner.markLongLived(storage, longLived); }
    @Override public Storage allocate(DType dtype, int length) { return timed("allocate", () -> inner.allocate(dtype, length)); }
    @Override public Storage allocateUninitialized(DType dtype, int length) {
        return timed("allocate", () -> inner.allocateUninitialized(dtype, length));
    }
    @Override public Storage fromHost(CpuStorage host) { return timed("fromHost", () -> inner.fromHost(host)); }
    @Override public CpuStorage toHost(Storage storage) { return timed("toHost", () -> inner.toHost(storage)); }
    @Override public void copy(Tensor src, Tensor dst) { timedRun("copy", () -> inner.copy(src, dst)); }
    @Override public void fill(Tensor dst, double value) { timedRun("fill", () -> inner.fill(dst, value)); }
    @Override public Tensor unary(Unary op, Tensor x) { return timed(lower(op), () -> inner.unary(op, x)); }
    @Override public Tensor binary(Binary op, Tensor a, Tensor b) { return timed(lower(op), () -> inner.binary(op, a, b)); }
    @Override public Tensor activation(Activation op, double c, Tensor x) { return timed(lower(op), () -> inner.activation(op, c, x)); }
    @Override public Tensor activationBackward(Activation op, double c, Tensor x, Tensor gy) {
        return timed(lower(op) + "_backward", () -> inner.activationBackward(op, c, x, gy));
    }
    @Override public Tensor where(Tensor cond, Tensor a, Tensor b) { return timed("where", () -> inner.where(cond, a, b)); }
    @Override public void addInPlace(Tensor dst, Tensor src) { timedRun("addInPlace", () -> inner.addInPlace(dst, src)); }
    @Override public void scaleInPlace(Tensor dst, Tensor s) { timedRun("scaleInPlace", () -> inner.scaleInPlace(dst, s)); }
    @Override public Tensor reduce(Reduce op, Tensor x, boolean[] r) { return timed("reduce_" + lower(op), () -> inner.reduce(op, x, r)); }
    @Override public Tensor matmul(Tensor a, Tensor b) { return timed("matmul", () -> inner.matmul(a, b)); }
    @Override public Tensor matmulBias(Tensor a, Tensor b, Tensor bias) { return timed("matmul_bias", () -> inner.matmulBias(a, b, bias)); }
    @Override public Tensor dropout(Tensor x, double p, long seed) { return timed("dropout", () -> inner.dropout(x, p, seed)); }
    @Override public Tensor softmax(Tensor x) { return timed("softmax", () -> inner.softmax(x)); }
    @Override public Tensor softmaxBackward(Tensor y, Tensor gy) { return timed("softmax_backward", () -> inner.softmaxBackward(y, gy)); }
    @Override public Tensor logSoftmax(Tensor x) { return timed("log_softmax", () -> inner.logSoftmax(x)); }
    @Override public Tensor logSoftmaxBackward(Tensor y, Tensor gy) { return timed("log_softmax_backward", () -> inner.logSoftmaxBackward(y, gy)); }
    @Override public Tensor[] layerNorm(Tensor x, Tensor g, Tensor b, double eps) { return timed("layer_norm", () -> inner.layerNorm(x, g, b, eps)); }
    @Override public Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor g, Tensor mean, Tensor rstd) {
        return timed("layer_norm_backward", () -> inner.layerNormBackward(gy, x, g, mean, rstd));
    }
    @Override public Tensor embedding(Tensor w, Tensor ids) { return timed("embedding", () -> inner.embedding(w, ids)); }
    @Override public Tensor embeddingBackward(Tensor gy, Tensor ids, int vocab) { return timed("embedding_backward", () -> inner.embeddingBackward(gy, ids, vocab)); }
    @Override public Tensor[] crossEntropy(Tensor logits, Tensor t, int ignore) { return timed("cross_entropy", () -> inner.crossEntropy(logits, t, ignore)); }
    @Override public Tensor crossEntropyBackward(Tensor logits, Tensor lse, Tensor t, int ignore, Tensor g) {
        return timed("cross_entropy_backward", () -> inner.crossEntropyBackward(logits, lse, t, ignore, g));
    }
    @Override public Tensor dropoutMask(int[] shape, DType dtype, double p, long seed) { return timed("dropout_mask", () -> inner.dropoutMask(shape, dtype, p, seed)); }
    @Override public Tensor sumOfSquares(Tensor x) { return timed("sum_of_squares", () -> inner.sumOfSquares(x)); }
    @Override public void adamw(Tensor p, Tensor g, Tensor m, Tensor v, double lr, double b1, double b2, double eps, double wd, double bc1, double bc2) {
        timedRun("adamw", () -> inner.adamw(p, g, m, v, lr, b1, b2, eps, wd, bc1, bc2));
    }

    /** The wrapped backend's own multi-tensor step (one launch on a GPU), timed as one call. */
    @Override public void adamwAll(List<AdamWUpdate> updates) { timedRun("adamw", () -> inner.adamwAll(updates)); }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
