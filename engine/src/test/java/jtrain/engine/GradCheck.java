package jtrain.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import jtrain.engine.backend.Backends;
import jtrain.engine.backend.ReferenceBackend;

/**
 * Finite-difference gradient checker for tests.
 *
 * <p>Given a function of F64 leaf tensors, it builds the scalar {@code L = sum(f(inputs) * W)} with a fixed random
 * weight tensor W (so every output element influences L with a distinct weight), back-propagates it, and compares
 * each input's analytic gradient with the central difference {@code (L(x + eps) - L(x - eps)) / (2 eps)} taken
 * element by element. An element passes when {@code |analytic - numeric| <= ATOL + RTOL * |numeric|}.
 *
 * <p>Everything runs on the reference backend (the only one that computes in F64). Inputs may be non-contiguous
 * views (transposed, sliced, permuted leaves): each view element is perturbed through its own storage slot, so
 * they must not overlap (broadcast stride-0 leaves are refused; expand inside the function instead).
 */
public final class GradCheck {
    private GradCheck() {}

    /** Central-difference step. */
    public static final double EPS = 1e-6;
    /** Absolute tolerance. */
    public static final double ATOL = 1e-6;
    /** Relative tolerance. */
    public static final double RTOL = 1e-5;

    /** Checks every input's gradient; throws AssertionError listing the first mismatches. */
    public static void check(String label, Function<Tensor[], Tensor> f, Tensor... inputs) {
        try (var be = Backends.useCpu(new ReferenceBackend())) {
            for (int i = 0; i < inputs.length; i++) {
                Tensor in = inputs[i];
                if (in.dtype() != DType.F64) throw new IllegalArgumentException(label + ": input " + i + " is " + in.dtype() + ", not F64");
                if (!in.isLeaf() || !in.requiresGrad()) throw new IllegalArgumentException(label + ": input " + i + " must be a leaf requiring grad");
                storageIndices(label, in); // refuses overlapping views
                in.zeroGrad();
            }
            Tensor out = f.apply(inputs);
            if (out.dtype() != DType.F64) throw new IllegalArgumentException(label + ": output is " + out.dtype() + ", not F64");
            Tensor weight = Tensor.randn(new Rng(0x5EED + out.numel()), 0, 1, DType.F64, out.shape());
            double[] w = weight.toDoubleArray();
            out.mul(weight).sum().backward();

            List<String> failures = new ArrayList<>();
            for (int i = 0; i < inputs.length; i++) {
                Tensor in = inputs[i];
                double[] analytic = in.grad() == null ? new double[in.numel()] : in.grad().toDoubleArray();
                if (in.grad() != null && !java.util.Arrays.equals(in.grad().shape(), in.shape())) {
                    failures.add("input " + i + ": gradient shape " + Shapes.str(in.grad().shape()) + " != " + Shapes.str(in.shape()));
                    continue;
                }
                int[] slots = storageIndices(label, in);
                double[] data = ((CpuStorage) in.storage()).f64;
                for (int j = 0; j < slots.length; j++) {
                    double orig = data[slots[j]];
                    data[slots[j]] = orig + EPS;
                    double plus = loss(f, inputs, w);
                    data[slots[j]] = orig - EPS;
                    double minus = loss(f, inputs, w);
                    data[slots[j]] = orig;
                    double numeric = (plus - minus) / (2 * EPS);
                    if (!(Math.abs(analytic[j] - numeric) <= ATOL + RTOL * Math.abs(numeric))) {
                        failures.add("input " + i + " " + Shapes.str(in.shape()) + " element " + j + ": analytic " + analytic[j]
                                + " vs numeric " + numeric);
                    }
                }
                in.zeroGrad();
            }
            if (!failures.isEmpty()) {
                throw new AssertionError(label + ": " + failures.size() + " gradient element(s) disagree with finite differences:\n  "
                        + String.join("\n  ", failures.subList(0, Math.min(10, failures.size()))));
            }
        }
    }

    private static double loss(Function<Tensor[], Tensor> f, Tensor[] inputs, double[] w) {
        try (var ng = Autograd.noGrad()) {
            double[] y = f.apply(inputs).toDoubleArray();
            double s = 0;
            for (int k = 0; k < y.length; k++) s += y[k] * w[k];
            return s;
        }
    }

    /** Storage slot of each element of t, in row-major order of the view. */
    static int[] storageIndices(String label, Tensor t) {
        int[] shape = t.shape(), strides = t.strides();
        int n = t.numel();
        int[] slots = new int[n];
        Set<Integer> seen = new HashSet<>();
        for (int flat = 0; flat < n; flat++) {
            int rest = flat, off = t.offset();
            for (int d = shape.length - 1; d >= 0; d--) {
                off += (rest % shape[d]) * strides[d];
                rest /= shape[d];
            }
            if (!seen.add(off)) throw new IllegalArgumentException(label + ": input view " + t.describe() + " has overlapping elements");
            slots[flat] = off;
        }
        return slots;
    }

    // ---- input helpers -----------------------------------------------------------------------------------------

    /** A contiguous F64 leaf of N(0, 1) samples. */
    public static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), 0, 1, DType.F64, shape).requiresGrad(true);
    }

    /** A contiguous F64 leaf of uniform samples in [lo, hi). */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.rand(new Rng(seed), lo, hi, DType.F64, shape).requiresGrad(true);
    }

    /** A leaf that is the given view itself (sharing its storage, keeping its strides), cut from any graph. */
    public static Tensor leaf(Tensor view) {
        return view.detach().requiresGrad(true);
    }

    /** An F64 tensor from literal values (no gradient). */
    public static Tensor f64(double[] values, int... shape) {
        return Tensor.of(values, shape);
    }
}
