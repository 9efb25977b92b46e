package jtrain.engine;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;
import jtrain.engine.backend.Parallel;
import jtrain.engine.ops.Arith;
import jtrain.engine.ops.Matmul;
import jtrain.engine.ops.Nn;
import jtrain.engine.ops.Reductions;
import jtrain.engine.ops.Views;

/**
 * An n-dimensional array: a view (shape, strides, offset) over a {@link Storage} on one device, plus the autograd
 * state (whether it needs a gradient, the gradient, and the node that produced it).
 *
 * <p>Views (reshape of contiguous data, permute, transpose, slice, expand) share storage with their source. The
 * instance methods are shorthands for the differentiable ops in {@code jtrain.engine.ops}.
 */
public final class Tensor {
    private Storage storage; // replaced only by moveTo, for parameters
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    private boolean requiresGrad;
    private Tensor grad;
    private Autograd.Node gradFn;
    private String name;
    private int version; // in-place changes so far (see markModified)

    public Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        if (shape.length != strides.length) {
            throw new ShapeException("shape " + Shapes.str(shape) + " and strides " + Shapes.str(strides) + " differ in rank");
        }
        this.storage = storage;
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.offset = offset;
    }

    /** A contiguous tensor over the whole storage. */
    public Tensor(Storage storage, int... shape) {
        this(storage, shape, Shapes.contiguousStrides(shape), 0);
        if (Shapes.numel(shape) != storage.length()) {
            throw new ShapeException("shape " + Shapes.str(shape) + " needs " + Shapes.numel(shape)
                    + " elements but the storage holds " + storage.length());
        }
    }

    // ---- creation ----------------------------------------------------------------------------------------

    public static Tensor zeros(DType dtype, Device device, int... shape) {
        return new Tensor(Backends.forDevice(device).allocate(dtype, Shapes.numel(shape)), shape);
    }

    public static Tensor zeros(int... shape) {
        return zeros(DType.F32, Device.CPU, shape);
    }

    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        Tensor t = zeros(dtype, device, shape);
        if (value != 0) Backends.of(t).fill(t, value);
        return t;
    }

    public static Tensor ones(int... shape) {
        return full(1, DType.F32, Device.CPU, shape);
    }

    public static Tensor of(float[] data, int... shape) {
        return new Tensor(CpuStorage.of(data.clone()), shape.length == 0 && data.length != 1 ? new int[] {data.length} : shape);
    }

    public static Tensor of(double[] data, int... shape) {
        return new Tensor(CpuStorage.of(data.clone()), shape.length == 0 && data.length != 1 ? new int[] {data.length} : shape);
    }

    public static Tensor ofInts(int[] data, int... shape) {
        return new Tensor(CpuStorage.of(data.clone()), shape.length == 0 && data.length != 1 ? new int[] {data.length} : shape);
    }

    /** A zero-dimensional tensor holding one value. */
    public static Tensor scalar(double value, DType dtype, Device device) {
        return full(value, dtype, device);
    }

    public static Tensor scalar(double value) {
        return scalar(value, DType.F32, Device.CPU);
    }

    /**
     * Normal(mean, std) samples drawn in order from rng: element i holds what the i-th call of nextGaussian would
     * give. The draws are counter-based, so large tensors are filled on every core with the same values (building
     * BERT-base, 110M weights drawn, took 2.7-3.4 s on one thread of a 2-core VM and 1.7-2.2 s on both).
     */
    public static Tensor randn(Rng rng, double mean, double std, DType dtype, int... shape) {
        CpuStorage s = CpuStorage.allocate(dtype, Shapes.numel(shape));
        long start = rng.skipGaussians(s.length());
        Parallel.forRange(s.length(), RANDN_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) s.set(i, mean + std * Rng.gaussianAt(start, i));
        });
        return new Tensor(s, shape);
    }

    /** Draws per thread below which a split costs more than it saves (a draw takes tens of nanoseconds). */
    private static final int RANDN_GRAIN = 1 << 15;

    public static Tensor randn(Rng rng, int... shape) {
        return randn(rng, 0, 1, DType.F32, shape);
    }

    /** Uniform samples in [low, high). */
    public static Tensor rand(Rng rng, double low, double high, DType dtype, int... shape) {
        return generate(dtype, shape, () -> low + (high - low) * rng.nextDouble());
    }

    /** Normal(mean, std) redrawn until inside [lo, hi] (like torch.nn.init.trunc_normal_). */
    public static Tensor truncatedNormal(Rng rng, double mean, double std, double lo, double hi, DType dtype, int... shape) {
        if (!(lo < hi)) throw new IllegalArgumentException("truncatedNormal: empty interval [" + lo + ", " + hi + "]");
        return generate(dtype, shape, () -> {
            while (true) {
                double v = mean + std * rng.nextGaussian();
                if (v >= lo && v <= hi) return v;
            }
        });
    }

    private static Tensor generate(DType dtype, int[] shape, DoubleSupplier draw) {
        CpuStorage s = CpuStorage.allocate(dtype, Shapes.numel(shape));
        for (int i = 0; i < s.length(); i++) s.set(i, draw.getAsDouble());
        return new Tensor(s, shape);
    }

    // ---- metadata ----------------------------------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    public int size(int dim) {
        return shape[Shapes.dim("size", dim, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int stride(int dim) {
        return strides[Shapes.dim("stride", dim, shape.length)];
    }

    public int offset() {
        return offset;
    }

    public Storage storage() {
        return storage;
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.device();
    }

    /** True when the elements are laid out row-major without gaps (size-1 dimensions may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** A name for error messages (parameters are named after their checkpoint key). */
    public String name() {
        return name;
    }

    public Tensor named(String name) {
        this.name = name;
        return this;
    }

    // ---- autograd ----------------------------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as a parameter whose gradient backward() accumulates into {@link #grad()}. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor; use detach()");
        if (value && !dtype().floating) throw new IllegalArgumentException("only floating tensors can require gradients, not " + dtype());
        this.requiresGrad = value;
        return this;
    }

    public Tensor grad() {
        return grad;
    }

    /** Sets the gradient; while it is this tensor's gradient, its buffer outlives any memory scope. */
    public void setGrad(Tensor g) {
        if (grad != null && grad != g) Backends.of(grad).markLongLived(grad.storage, false);
        this.grad = g;
        if (g != null) Backends.of(g).markLongLived(g.storage, true);
    }

    /** Drops the gradient (a memory scope that created it may then give its buffer back). */
    public void zeroGrad() {
        setGrad(null);
    }

    public Autograd.Node gradFn() {
        return gradFn;
    }

    /**
     * Counts an in-place change of this tensor's values (optimizers and checkpoint loading call it on parameters).
     * A backward pass through a graph recorded before the change then stops with an error naming the op, as torch
     * does, instead of computing gradients from the changed values.
     */
    public void markModified() {
        version++;
    }

    /** How many in-place changes {@link #markModified} has counted. */
    public int version() {
        return version;
    }

    void setGradFn(Autograd.Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Back-propagates from this scalar, accumulating into the .grad of every leaf that requires it. */
    public void backward() {
        Autograd.backward(this);
    }

    /** The same data, cut from the graph. */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset);
    }

    // ---- data movement -------------------------------------------------------------------------------------

    public Tensor contiguous() {
        return Views.contiguous(this);
    }

    /** This tensor on another device (the same tensor when already there). */
    public Tensor to(Device target) {
        return Views.toDevice(this, target);
    }

    /**
     * Moves a contiguous leaf's data to another device in place, dropping its gradient. Modules hold their
     * parameters in final fields, so moving a model means moving each parameter's storage.
     */
    public void moveTo(Device target) {
        if (device().equals(target)) return;
        if (!isLeaf()) throw new IllegalStateException("moveTo: " + describe() + " is not a leaf; use to(Device)");
        if (!isContiguous() || offset != 0 || storage.length() != numel()) {
            throw new IllegalStateException("moveTo: " + describe() + " is a view; only whole contiguous tensors move in place");
        }
        storage = Backends.forDevice(target).fromHost(Backends.of(this).toHost(storage));
        Backends.forDevice(target).markLongLived(storage, true); // a parameter outlives any memory scope
        grad = null;
    }

    /** This tensor converted to another dtype (the same tensor when already of it); differentiable between floats. */
    public Tensor to(DType target) {
        return Views.cast(this, target);
    }

    /** The elements in row-major order as floats (copies to the host if needed). */
    public float[] toFloatArray() {
        return hostContiguous(DType.F32).f32.clone();
    }

    public double[] toDoubleArray() {
        return hostContiguous(DType.F64).f64.clone();
    }

    public int[] toIntArray() {
        return hostContiguous(DType.I32).i32.clone();
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new ShapeException("item: tensor of shape " + Shapes.str(shape) + " has " + numel() + " elements, not 1");
        return hostContiguous(dtype() == DType.BF16 ? DType.F32 : dtype()).get(0);
    }

    /** One element by its full index. */
    public double get(int... index) {
        if (index.length != shape.length) throw new ShapeException("get: index of rank " + index.length + " for shape " + Shapes.str(shape));
        int off = offset;
        for (int d = 0; d < index.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) throw new ShapeException("get: index " + Arrays.toString(index) + " out of bounds for shape " + Shapes.str(shape));
            off += index[d] * strides[d];
        }
        Tensor one = new Tensor(storage, new int[0], new int[0], off);
        return one.item();
    }

    private CpuStorage hostContiguous(DType as) {
        // A raw backend copy, not the recorded cast op: reading values must not record anything or trip the
        // anomaly checks (which themselves read values through here).
        Tensor t = this;
        if (dtype() != as || !isContiguous() || offset != 0 || storage.length() != numel()) {
            t = zeros(as, device(), shape);
            Backends.of(this).copy(this, t);
        }
        return Backends.of(t).toHost(t.storage);
    }

    // ---- shorthands for the differentiable ops ---------------------------------------------------------------

    public Tensor add(Tensor o) { return Arith.add(this, o); }
    public Tensor add(double s) { return Arith.add(this, s); }
    public Tensor sub(Tensor o) { return Arith.sub(this, o); }
    public Tensor sub(double s) { return Arith.add(this, -s); }
    public Tensor mul(Tensor o) { return Arith.mul(this, o); }
    public Tensor mul(double s) { return Arith.mul(this, s); }
    public Tensor div(Tensor o) { return Arith.div(this, o); }
    public Tensor div(double s) {
        if (!dtype().floating) throw new IllegalArgumentException("div: needs a floating tensor, got " + describe());
        return Arith.mul(this, 1.0 / s);
    }
    public Tensor neg() { return Arith.neg(this); }
    public Tensor exp() { return Arith.exp(this); }
    public Tensor log() { return Arith.log(this); }
    public Tensor sqrt() { return Arith.sqrt(this); }
    public Tensor pow(double p) { return Arith.pow(this, p); }
    public Tensor tanh() { return Arith.tanh(this); }
    public Tensor gelu() { return Arith.gelu(this); }
    /** GELU's tanh approximation with constant c: see {@link Arith#geluTanh}. */
    public Tensor geluTanh(double c) { return Arith.geluTanh(this, c); }
    /** x sigmoid(beta x): see {@link Arith#swish}. */
    public Tensor swish(double beta) { return Arith.swish(this, beta); }
    public Tensor relu() { return Arith.relu(this); }
    public Tensor sigmoid() { return Arith.sigmoid(this); }
    public Tensor matmul(Tensor o) { return Matmul.matmul(this, o); }

    public Tensor sum() { return Reductions.sum(this, null, false); }
    public Tensor sum(int dim, boolean keepDim) { return Reductions.sum(this, new int[] {dim}, keepDim); }
    public Tensor mean() { return Reductions.mean(this, null, false); }
    public Tensor mean(int dim, boolean keepDim) { return Reductions.mean(this, new int[] {dim}, keepDim); }
    public Tensor max(int dim, boolean keepDim) { return Reductions.max(this, new int[] {dim}, keepDim); }

    public Tensor softmax() { return Nn.softmax(this); }
    public Tensor logSoftmax() { return Nn.logSoftmax(this); }

    public Tensor reshape(int... newShape) { return Views.reshape(this, newShape); }
    public Tensor permute(int... dims) { return Views.permute(this, dims); }
    public Tensor transpose(int d0, int d1) { return Views.transpose(this, d0, d1); }
    public Tensor slice(int dim, int start, int end) { return Views.slice(this, dim, start, end); }
    public Tensor expand(int... newShape) { return Views.expand(this, newShape); }
    public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }
    public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }

    /** A description such as {@code Tensor[2, 3] F32 cpu}. */
    public String describe() {
        return "Tensor" + Shapes.str(shape) + " " + dtype() + " " + device() + (name != null ? " '" + name + "'" : "");
    }

    @Override
    public String toString() {
        if (numel() > 64) return describe();
        double[] v = toDoubleArray();
        return describe() + " " + Arrays.toString(v);
    }

    /** The backend that computes on this tensor. */
    public Backend backend() {
        return Backends.of(this);
    }
}
