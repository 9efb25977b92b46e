package jtrain.transformer;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import jtrain.engine.DType;
import jtrain.engine.GradCheck;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;
import jtrain.engine.backend.ReferenceBackend;
import jtrain.engine.backend.VectorBackend;

/**
 * The hidden_act formulas: values at hand-computed points, gradients against finite differences in F64, and the
 * vector backend's F32 values and gradients against those (in F64 the vector backend runs the reference kernels, so
 * F32 is where it computes on its own).
 */
class ActivationTest {
    static final double[] POINTS = {-3, -1, 0, 0.5, 2};

    /** Each formula at POINTS, computed by hand (Python's math module, double precision). */
    static final Map<Activation, double[]> EXPECTED = Map.of(
            // 0.5 x (1 + erf(x / sqrt 2))
            Activation.GELU, new double[] {-0.00404969409489031, -0.15865525393145707, 0, 0.34573123063700656, 1.9544997361036416},
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            Activation.GELU_NEW, new double[] {-0.0036373920817729943, -0.15880800939172324, 0, 0.34571400982514394, 1.954597694087775},
            // 0.5 x (1 + tanh(0.7978845608 x (1 + 0.044715 x^2))): differs from gelu_new from the 13th digit
            Activation.GELU_FAST, new double[] {-0.003637392081860591, -0.1588080093925231, 0, 0.34571400982483486, 1.9545976940871754},
            // x / (1 + exp(-1.702 x))
            Activation.QUICK_GELU, new double[] {-0.01807130970778597, -0.1542042340671787, 0, 0.35038843660638014, 1.9356586231442083},
            Activation.RELU, new double[] {0, 0, 0, 0.5, 2},
            // x / (1 + exp(-x))
            Activation.SILU, new double[] {-0.14227761953270035, -0.2689414213699951, 0, 0.3112296656009273, 1.7615941559557646},
            Activation.TANH, new double[] {-0.9950547536867305, -0.7615941559557649, 0, 0.46211715726000974, 0.9640275800758169},
            Activation.LINEAR, POINTS);

    /** The names that share a formula with one of EXPECTED's. */
    static final Map<Activation, Activation> SAME_FORMULA = Map.of(Activation.GELU_PYTHON, Activation.GELU,
            Activation.GELU_PYTORCH_TANH, Activation.GELU_NEW, Activation.GELU_ACCURATE, Activation.GELU_NEW, Activation.SWISH, Activation.SILU);

    @ParameterizedTest
    @EnumSource(Activation.class)
    void matchesItsFormulaAtHandComputedPoints(Activation act) {
        double[] expected = EXPECTED.get(SAME_FORMULA.getOrDefault(act, act));
        try (var be = Backends.useCpu(new ReferenceBackend())) {
            double[] actual = act.apply(Tensor.of(POINTS, POINTS.length)).toDoubleArray();
            for (int i = 0; i < POINTS.length; i++) {
                assertEquals(expected[i], actual[i], 1e-14, act.hfName() + "(" + POINTS[i] + ")");
            }
        }
    }

    @Test
    void everyNameHasAFormulaHere() {
        assertEquals(EnumSet.allOf(Activation.class).size(), EXPECTED.size() + SAME_FORMULA.size());
        assertEquals(List.of("gelu", "gelu_python", "gelu_new", "gelu_pytorch_tanh", "gelu_accurate", "gelu_fast", "quick_gelu",
                "relu", "silu", "swish", "tanh", "linear"), Activation.names());
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void gradientMatchesFiniteDifferencesInF64(Activation act) {
        // Spread over [-6, 6] in a transposed view, where the tails of tanh and sigmoid matter; relu's kink at 0 is
        // never within the step of a random input.
        Tensor x = GradCheck.leaf(Tensor.randn(new Rng(7), 0, 2.5, DType.F64, 9, 7).transpose(0, 1));
        GradCheck.check(act.hfName(), in -> act.apply(in[0]), x);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void vectorBackendInF32MatchesTheReferenceInF64(Activation act) {
        assumeTrue(VectorBackend.isAvailable(), "needs the Vector API");
        // 20003 inputs in [-12, 12]: every tail length of the vector loops, and both saturated ends.
        Tensor x = Tensor.rand(new Rng(8), -12, 12, DType.F32, 20_003);
        double[][] ref = valueAndGradient(act, x.to(DType.F64), new ReferenceBackend());
        double[][] vec = valueAndGradient(act, x, new VectorBackend());
        float[] xs = x.toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            // Float rounding of a few operations on values up to 12 in size.
            assertEquals(ref[0][i], vec[0][i], 1e-5 * Math.max(1, Math.abs(ref[0][i])), act.hfName() + "(" + xs[i] + ")");
            assertEquals(ref[1][i], vec[1][i], 1e-5 * Math.max(1, Math.abs(ref[1][i])), act.hfName() + "'(" + xs[i] + ")");
        }
    }

    /** f(x) and f'(x) (the gradient of sum f(x)) on the backend, in x's dtype, as doubles. */
    static double[][] valueAndGradient(Activation act, Tensor x, Backend backend) {
        try (var be = Backends.useCpu(backend)) {
            Tensor leaf = x.requiresGrad(true);
            Tensor y = act.apply(leaf);
            y.sum().backward();
            return new double[][] {y.toDoubleArray(), leaf.grad().toDoubleArray()};
        }
    }

    @Test
    void unknownNameIsAnErrorListingTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.fromHfName("mish", "m/config.json"));
        assertEquals("m/config.json: unsupported hidden_act \"mish\" (supported: gelu, gelu_python, gelu_new, gelu_pytorch_tanh, "
                + "gelu_accurate, gelu_fast, quick_gelu, relu, silu, swish, tanh, linear)", e.getMessage());
    }
}
