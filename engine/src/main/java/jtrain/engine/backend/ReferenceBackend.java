package jtrain.engine.backend;

import jtrain.engine.CpuStorage;
import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Erf;
import jtrain.engine.Rng;
import jtrain.engine.Shapes;
import jtrain.engine.Storage;
import jtrain.engine.Tensor;

/**
 * The readable specification of every kernel: plain scalar loops on the host, any dtype, arithmetic in double and
 * rounded to the result's dtype on store. Other backends are tested against this one.
 */
public class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype != DType.BF16;
    }

    // ---- strided element access --------------------------------------------------------------------------

    /** A tensor's layout, unpacked once, with the storage offset of each row-major element index. */
    protected record View(CpuStorage data, int[] shape, int[] strides, int offset) {
        static View of(Tensor t) {
            return new View((CpuStorage) t.storage(), t.shape(), t.strides(), t.offset());
        }

        /** Storage index of the element whose row-major position among the view's elements is flat. */
        int at(int flat) {
            int off = offset;
            for (int d = shape.length - 1; d >= 0; d--) {
                int n = shape[d];
                off += (flat % n) * strides[d];
                flat /= n;
            }
            return off;
        }

        double get(int flat) {
            return data.get(at(flat));
        }

        void set(int flat, double v) {
            data.set(at(flat), v);
        }
    }

    protected static CpuStorage host(Tensor t) {
        return (CpuStorage) t.storage();
    }

    protected Tensor newTensor(DType dtype, int... shape) {
        return new Tensor(allocate(dtype, Shapes.numel(shape)), shape);
    }

    // ---- memory -------------------------------------------------------------------------------------------

    @Override
    public Storage allocate(DType dtype, int length) {
        return CpuStorage.allocate(dtype, length);
    }

    @Override
    public Storage fromHost(CpuStorage host) {
        return host;
    }

    @Override
    public CpuStorage toHost(Storage storage) {
        return (CpuStorage) storage;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        View s = View.of(src), d = View.of(dst);
        int n = src.numel();
        for (int i = 0; i < n; i++) d.set(i, s.get(i));
    }

    @Override
    public void fill(Tensor dst, double value) {
        View d = View.of(dst);
        int n = dst.numel();
        for (int i = 0; i < n; i++) d.set(i, value);
    }

    // ---- elementwise -----------------------------------------------------------------------------------------

    @Override
    public Tensor unary(Unary op, Tensor x) {
        View v = View.of(x);
        Tensor out = newTensor(x.dtype(), x.shape());
        CpuStorage o = host(out);
        for (int i = 0; i < out.numel(); i++) o.set(i, unary(op, v.get(i)));
        return out;
    }

    protected static double unary(Unary op, double x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1 / Math.sqrt(x);
            case TANH -> Math.tanh(x);
            case GELU -> Erf.gelu(x);
            case RECIPROCAL -> 1 / x;
            case SQUARE -> x * x;
            case ABS -> Math.abs(x);
        };
    }

    @Override
    public Tensor binary(Binary op, Tensor a, Tensor b) {
        View va = View.of(a), vb = View.of(b);
        Tensor out = newTensor(a.dtype(), a.shape());
        CpuStorage o = host(out);
        for (int i = 0; i < out.numel(); i++) o.set(i, binary(op, va.get(i), vb.get(i)));
        return out;
    }

    protected static double binary(Binary op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case GELU_BACKWARD -> b * Erf.geluDerivative(a);
        };
    }

    @Override
    public Tensor activation(Activation op, double c, Tensor x) {
        View v = View.of(x);
        Tensor out = newTensor(x.dtype(), x.shape());
        CpuStorage o = host(out);
        for (int i = 0; i < out.numel(); i++) o.set(i, activation(op, c, v.get(i)));
        return out;
    }

    @Override
    public Tensor activationBackward(Activation op, double c, Tensor x, Tensor gy) {
        View vx = View.of(x), vg = View.of(gy);
        Tensor out = newTensor(x.dtype(), x.shape());
        CpuStorage o = host(out);
        for (int i = 0; i < out.numel(); i++) o.set(i, vg.get(i) * activationDerivative(op, c, vx.get(i)));
        return out;
    }

    /** The cubic term's coefficient in GELU's tanh approximation. */
    static final double GELU_TANH_CUBIC = 0.044715;

    /** The formulas as HF writes them. */
    protected static double activation(Activation op, double c, double x) {
        return switch (op) {
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(c * (x + GELU_TANH_CUBIC * x * x * x)));
            case SWISH -> x / (1 + Math.exp(-c * x));
        };
    }

    /**
     * d/dx of {@link #activation}: with t = tanh(c (x + k x^3)), 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 k x^2); with
     * s = sigmoid(c x), s + c x s (1 - s).
     */
    protected static double activationDerivative(Activation op, double c, double x) {
        return switch (op) {
            case GELU_TANH -> {
                double t = Math.tanh(c * (x + GELU_TANH_CUBIC * x * x * x));
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * GELU_TANH_CUBIC * x * x);
            }
            case SWISH -> {
                double s = 1 / (1 + Math.exp(-c * x));
                yield s + c * x * s * (1 - s);
            }
        };
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        View vc = View.of(cond), va = View.of(a), vb = View.of(b);
        Tensor out = newTensor(a.dtype(), a.shape());
        CpuStorage o = host(out);
        for (int i = 0; i < out.numel(); i++) o.set(i, vc.get(i) != 0 ? va.get(i) : vb.get(i));
        return out;
    }

    @Override
    public void addInPlace(Tensor dst, Tensor src) {
        View d = View.of(dst), s = View.of(src);
        for (int i = 0; i < dst.numel(); i++) d.set(i, d.get(i) + s.get(i));
    }

    @Override
    public void scaleInPlace(Tensor dst, Tensor scalar) {
        double k = host(scalar).get(scalar.offset());
        View d = View.of(dst);
        for (int i = 0; i < dst.numel(); i++) d.set(i, d.get(i) * k);
    }

    // ---- reductions ----------------------------------------------------------------------------------------

    @Override
    public Tensor reduce(Reduce op, Tensor x, boolean[] reduced) {
        int[] shape = x.shape();
        int[] outShape = shape.clone();
        for (int d = 0; d < shape.length; d++) if (reduced[d]) outShape[d] = 1;
        int[] outStrides = Shapes.contiguousStrides(outShape);
        int outN = Shapes.numel(outShape);
        double[] acc = new double[outN];
        java.util.Arrays.fill(acc, op == Reduce.SUM ? 0 : Double.NEGATIVE_INFINITY);
        View v = View.of(x);
        int n = x.numel();
        for (int i = 0; i < n; i++) {
            int rest = i, o = 0;
            for (int d = shape.length - 1; d >= 0; d--) {
                int c = rest % shape[d];
                rest /= shape[d];
                if (!reduced[d]) o += c * outStrides[d];
            }
            double e = v.get(i);
            acc[o] = op == Reduce.SUM ? acc[o] + e : Math.max(acc[o], e);
        }
        Tensor out = newTensor(x.dtype(), outShape);
        CpuStorage s = host(out);
        for (int i = 0; i < outN; i++) s.set(i, acc[i]);
        return out;
    }

    // ---- matrix products -------------------------------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        int[] as = a.strides(), bs = b.strides();
        CpuStorage ad = host(a), bd = host(b);
        Tensor out = newTensor(a.dtype(), batch, m, n);
        CpuStorage o = host(out);
        for (int p = 0; p < batch; p++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int q = 0; q < k; q++) {
                        sum += ad.get(a.offset() + p * as[0] + i * as[1] + q * as[2])
                                * bd.get(b.offset() + p * bs[0] + q * bs[1] + j * bs[2]);
                    }
                    o.set((p * m + i) * n + j, sum);
                }
            }
        }
        return out;
    }

    // ---- fused kernels -------------------------------------------------------------------------------------

    /** Rows of a contiguous tensor viewed as (rows, lastDim). */
    protected static int rows(Tensor x) {
        return x.numel() / Math.max(1, x.size(-1));
    }

    @Override
    public Tensor softmax(Tensor x) {
        int r = rows(x), c = x.size(-1);
        CpuStorage in = host(x);
        Tensor out = newTensor(x.dtype(), x.shape());
        CpuStorage o = host(out);
        for (int row = 0; row < r; row++) {
            int base = x.offset() + row * c;
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < c; j++) max = Math.max(max, in.get(base + j));
            for (int j = 0; j < c; j++) sum += Math.exp(in.get(base + j) - max);
            for (int j = 0; j < c; j++) o.set(row * c + j, Math.exp(in.get(base + j) - max) / sum);
        }
        return out;
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor gy) {
        int r = rows(y), c = y.size(-1);
        View vy = View.of(y), vg = View.of(gy);
        Tensor out = newTensor(y.dtype(), y.shape());
        CpuStorage o = host(out);
        for (int row = 0; row < r; row++) {
            double dot = 0;
            for (int j = 0; j < c; j++) dot += vy.get(row * c + j) * vg.get(row * c + j);
            for (int j = 0; j < c; j++) o.set(row * c + j, vy.get(row * c + j) * (vg.get(row * c + j) - dot));
        }
        return out;
    }

    @Override
    public Tensor logSoftmax(Tensor x) {
        int r = rows(x), c = x.size(-1);
        CpuStorage in = host(x);
        Tensor out = newTensor(x.dtype(), x.shape());
        CpuStorage o = host(out);
        for (int row = 0; row < r; row++) {
            int base = x.offset() + row * c;
            double lse = logSumExp(in, base, c);
            for (int j = 0; j < c; j++) o.set(row * c + j, in.get(base + j) - lse);
        }
        return out;
    }

    private static double logSumExp(CpuStorage in, int base, int c) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < c; j++) max = Math.max(max, in.get(base + j));
        if (max == Double.NEGATIVE_INFINITY) return max;
        for (int j = 0; j < c; j++) sum += Math.exp(in.get(base + j) - max);
        return max + Math.log(sum);
    }

    @Override
    public Tensor logSoftmaxBackward(Tensor y, Tensor gy) {
        int r = rows(y), c = y.size(-1);
        View vy = View.of(y), vg = View.of(gy);
        Tensor out = newTensor(y.dtype(), y.shape());
        CpuStorage o = host(out);
        for (int row = 0; row < r; row++) {
            double sum = 0;
            for (int j = 0; j < c; j++) sum += vg.get(row * c + j);
            for (int j = 0; j < c; j++) o.set(row * c + j, vg.get(row * c + j) - Math.exp(vy.get(row * c + j)) * sum);
        }
        return out;
    }

    @Override
    public Tensor[] layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        int r = rows(x), c = x.size(-1);
        View vx = View.of(x), vgam = View.of(gamma), vbet = View.of(beta);
        Tensor y = newTensor(x.dtype(), x.shape());
        Tensor mean = newTensor(x.dtype(), r), rstd = newTensor(x.dtype(), r);
        CpuStorage yo = host(y);
        for (int row = 0; row < r; row++) {
            double mu = 0, var = 0;
            for (int j = 0; j < c; j++) mu += vx.get(row * c + j);
            mu /= c;
            for (int j = 0; j < c; j++) {
                double d = vx.get(row * c + j) - mu;
                var += d * d;
            }
            double rs = 1 / Math.sqrt(var / c + eps);
            for (int j = 0; j < c; j++) {
                yo.set(row * c + j, (vx.get(row * c + j) - mu) * rs * vgam.get(j) + vbet.get(j));
            }
            host(mean).set(row, mu);
            host(rstd).set(row, rs);
        }
        return new Tensor[] {y, mean, rstd};
    }

    @Override
    public Tensor[] layerNormBackward(Tensor gy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        int r = rows(x), c = x.size(-1);
        View vx = View.of(x), vg = View.of(gy), vgam = View.of(gamma), vm = View.of(mean), vr = View.of(rstd);
        Tensor gx = newTensor(x.dtype(), x.shape());
        double[] ggamma = new double[c], gbeta = new double[c];
        for (int row = 0; row < r; row++) {
            double mu = vm.get(row), rs = vr.get(row);
            double meanDxhat = 0, meanDxhatXhat = 0;
            for (int j = 0; j < c; j++) {
                double xhat = (vx.get(row * c + j) - mu) * rs;
                double g = vg.get(row * c + j);
                double dxhat = g * vgam.get(j);
                meanDxhat += dxhat;
                meanDxhatXhat += dxhat * xhat;
                ggamma[j] += g * xhat;
                gbeta[j] += g;
            }
            meanDxhat /= c;
            meanDxhatXhat /= c;
            for (int j = 0; j < c; j++) {
                double xhat = (vx.get(row * c + j) - mu) * rs;
                double dxhat = vg.get(row * c + j) * vgam.get(j);
                host(gx).set(row * c + j, rs * (dxhat - meanDxhat - xhat * meanDxhatXhat));
            }
        }
        return new Tensor[] {gx, fromDoubles(ggamma, gamma.dtype(), gamma.shape()), fromDoubles(gbeta, gamma.dtype(), gamma.shape())};
    }

    protected Tensor fromDoubles(double[] values, DType dtype, int... shape) {
        Tensor t = newTensor(dtype, shape);
        CpuStorage s = host(t);
        for (int i = 0; i < values.length; i++) s.set(i, values[i]);
        return t;
    }

    @Override
    public Tensor embedding(Tensor weight, Tensor ids) {
        int vocab = weight.size(0), dim = weight.size(1), n = ids.numel();
        View w = View.of(weight), vi = View.of(ids);
        int[] outShape = java.util.Arrays.copyOf(ids.shape(), ids.rank() + 1);
        outShape[ids.rank()] = dim;
        Tensor out = newTensor(weight.dtype(), outShape);
        CpuStorage o = host(out);
        for (int i = 0; i < n; i++) {
            int id = checkId("embedding", (int) vi.get(i), vocab, i);
            for (int j = 0; j < dim; j++) o.set(i * dim + j, w.get(id * dim + j));
        }
        return out;
    }

    protected static int checkId(String op, int id, int vocab, int position) {
        if (id < 0 || id >= vocab) {
            throw new IndexOutOfBoundsException(op + ": id " + id + " at flat position " + position + " is outside [0, " + vocab + ")");
        }
        return id;
    }

    @Override
    public Tensor embeddingBackward(Tensor gy, Tensor ids, int vocab) {
        int dim = gy.size(-1), n = ids.numel();
        View vg = View.of(gy), vi = View.of(ids);
        Tensor gw = newTensor(gy.dtype(), vocab, dim);
        CpuStorage o = host(gw);
        for (int i = 0; i < n; i++) {
            int id = checkId("embedding backward", (int) vi.get(i), vocab, i);
            for (int j = 0; j < dim; j++) o.set(id * dim + j, o.get(id * dim + j) + vg.get(i * dim + j));
        }
        return gw;
    }

    @Override
    public Tensor[] crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        int n = logits.size(0), c = logits.size(1);
        CpuStorage in = host(logits);
        View vt = View.of(targets);
        Tensor lse = newTensor(logits.dtype(), n);
        double total = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            int base = logits.offset() + i * c;
            double l = logSumExp(in, base, c);
            host(lse).set(i, l);
            int t = (int) vt.get(i);
            if (t == ignoreIndex) continue;
            checkId("cross_entropy target", t, c, i);
            total += l - in.get(base + t);
            count++;
        }
        Tensor loss = newTensor(logits.dtype());
        host(loss).set(0, count == 0 ? 0 : total / count);
        return new Tensor[] {loss, lse};
    }

    @Override
    public Tensor crossEntropyBackward(Tensor logits, Tensor logSumExp, Tensor targets, int ignoreIndex, Tensor gLoss) {
        int n = logits.size(0), c = logits.size(1);
        CpuStorage in = host(logits);
        View vt = View.of(targets), vl = View.of(logSumExp);
        int count = 0;
        for (int i = 0; i < n; i++) if ((int) vt.get(i) != ignoreIndex) count++;
        double scale = count == 0 ? 0 : host(gLoss).get(gLoss.offset()) / count;
        Tensor g = newTensor(logits.dtype(), n, c);
        CpuStorage o = host(g);
        for (int i = 0; i < n; i++) {
            int t = (int) vt.get(i);
            if (t == ignoreIndex) continue;
            int base = logits.offset() + i * c;
            double l = vl.get(i);
            for (int j = 0; j < c; j++) {
                double p = Math.exp(in.get(base + j) - l);
                o.set(i * c + j, (p - (j == t ? 1 : 0)) * scale);
            }
        }
        return g;
    }

    /** Element i keeps with probability 1-p: its uniform draw is the (i+1)-th SplitMix64 output from state seed. */
    public static boolean dropoutKeeps(long seed, long i, double p) {
        long bits = Rng.mix(seed + Rng.STEP * (i + 1));
        double u = (bits >>> 40) * 0x1.0p-24; // 24 bits: exactly representable in float32 on every device
        return u >= p;
    }

    @Override
    public Tensor dropoutMask(int[] shape, DType dtype, double p, long seed) {
        Tensor mask = newTensor(dtype, shape);
        CpuStorage o = host(mask);
        double keep = 1 / (1 - p);
        for (int i = 0; i < mask.numel(); i++) o.set(i, dropoutKeeps(seed, i, p) ? keep : 0);
        return mask;
    }

    @Override
    public Tensor sumOfSquares(Tensor x) {
        View v = View.of(x);
        double sum = 0;
        for (int i = 0; i < x.numel(); i++) sum += v.get(i) * v.get(i);
        Tensor out = newTensor(x.dtype());
        host(out).set(0, sum);
        return out;
    }

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                      double weightDecay, double biasCorrection1, double biasCorrection2) {
        CpuStorage p = host(param), g = host(grad), ms = host(m), vs = host(v);
        for (int i = 0; i < param.numel(); i++) {
            double pi = p.get(i) * (1 - lr * weightDecay);
            double gi = g.get(i);
            double mi = beta1 * ms.get(i) + (1 - beta1) * gi;
            double vi = beta2 * vs.get(i) + (1 - beta2) * gi * gi;
            ms.set(i, mi);
            vs.set(i, vi);
            p.set(i, pi - lr * (mi / biasCorrection1) / (Math.sqrt(vi / biasCorrection2) + eps));
        }
    }
}
