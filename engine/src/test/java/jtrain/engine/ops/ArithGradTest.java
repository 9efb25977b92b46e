package jtrain.engine.ops;

import static jtrain.engine.GradCheck.*;

import org.junit.jupiter.api.Test;

import jtrain.engine.Tensor;

/**
 * Gradients of the elementwise ops against finite differences, including broadcast operands and non-contiguous
 * (transposed, sliced, permuted, expanded) inputs.
 */
class ArithGradTest {
    @org.junit.jupiter.api.Test
    void powerZeroHasZeroGradientEvenAtZero() {
        Tensor a = Tensor.of(new float[] {-2, 0, 3}, 3).requiresGrad(true);
        a.pow(0).sum().backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0, 0, 0}, a.grad().toFloatArray(), "torch: 0, not 0 * inf");
    }

    @Test
    void addSubMulDivOfEqualShapes() {
        Tensor a = randn(1, 3, 4), b = randn(2, 3, 4);
        check("add", in -> in[0].add(in[1]), a, b);
        check("sub", in -> in[0].sub(in[1]), a, b);
        check("mul", in -> in[0].mul(in[1]), a, b);
        check("div", in -> in[0].div(in[1]), a, uniform(3, 0.5, 2, 3, 4));
    }

    @Test
    void broadcastOperandsSumTheirGradientBack() {
        // (3,1,4) with (2,4) broadcasts to (3,2,4): a's gradient sums over dim 1, b's over dim 0.
        Tensor a = randn(4, 3, 1, 4), b = randn(5, 2, 4);
        check("add (3,1,4)+(2,4)", in -> in[0].add(in[1]), a, b);
        check("sub (3,1,4)-(2,4)", in -> in[0].sub(in[1]), a, b);
        check("mul (3,1,4)*(2,4)", in -> in[0].mul(in[1]), a, b);
        check("div (3,1,4)/(2,4)", in -> in[0].div(in[1]), a, uniform(6, 0.5, 2, 2, 4));
        check("div (2,4)/(3,1,4)", in -> in[1].div(in[0]), uniform(7, 0.5, 2, 3, 1, 4), b);
        check("mul by a scalar tensor", in -> in[0].mul(in[1]), randn(8, 2, 3), randn(9));
        check("add of a rank-0 tensor", in -> in[0].add(in[1]), randn(10, 2, 3), leaf(jtrain.engine.Tensor.scalar(0.5, jtrain.engine.DType.F64, jtrain.engine.Device.CPU)));
    }

    @Test
    void nonContiguousOperands() {
        Tensor base = randn(11, 4, 6);
        Tensor transposed = leaf(base.transpose(0, 1));          // (6,4), strides (1,6)
        Tensor sliced = leaf(randn(12, 6, 8).slice(1, 2, 6));   // (6,4), strides (8,1), offset 2
        check("add transposed + sliced", in -> in[0].add(in[1]), transposed, sliced);
        check("mul transposed * sliced", in -> in[0].mul(in[1]), transposed, sliced);
        Tensor permuted = leaf(randn(13, 2, 3, 4).permute(2, 0, 1)); // (4,2,3)
        check("div permuted / sliced-row", in -> in[0].div(in[1].add(3)), permuted, leaf(randn(14, 5, 3).slice(0, 1, 2)));
        // An expanded (stride-0) operand inside the function: its gradient sums the expanded copies.
        check("mul by expanded", in -> in[0].mul(in[1].expand(6, 4)), transposed, randn(15, 1, 4));
    }

    @Test
    void unaryMath() {
        Tensor x = randn(20, 3, 5);
        Tensor positive = uniform(21, 0.3, 3, 3, 5);
        check("neg", in -> in[0].neg(), x);
        check("exp", in -> in[0].exp(), x);
        check("log", in -> in[0].log(), positive);
        check("sqrt", in -> in[0].sqrt(), positive);
        check("tanh", in -> in[0].tanh(), x);
        check("gelu", in -> in[0].gelu(), leaf(randn(22, 5, 3).transpose(0, 1)));
        check("gelu far from 0", in -> in[0].mul(4).gelu(), x);
        check("relu", in -> in[0].relu(), x);
        check("sigmoid", in -> in[0].sigmoid(), leaf(randn(23, 5, 3).transpose(0, 1)));
        check("sigmoid far from 0", in -> in[0].mul(6).sigmoid(), x);
        check("add scalar", in -> in[0].add(2.5), x);
        check("mul scalar", in -> in[0].mul(-1.5), x);
        check("div scalar", in -> in[0].div(4), x);
        check("sub scalar", in -> in[0].sub(4), x);
    }

    @Test
    void fusedActivationsWithTheirConstants() {
        // gelu_new's and gelu_fast's constants, SiLU's and quick_gelu's; transposed and sliced leaves, and inputs
        // scaled out to where the sigmoid saturates.
        Tensor transposed = leaf(randn(24, 5, 3).transpose(0, 1)), sliced = leaf(randn(25, 4, 9).slice(1, 2, 7));
        for (double c : new double[] {Math.sqrt(2 / Math.PI), 0.7978845608}) {
            check("geluTanh(" + c + ")", in -> in[0].geluTanh(c), transposed);
            check("geluTanh(" + c + ") far from 0", in -> in[0].mul(4).geluTanh(c), sliced);
        }
        for (double beta : new double[] {1, 1.702, -0.5}) {
            check("swish(" + beta + ")", in -> in[0].swish(beta), transposed);
            check("swish(" + beta + ") far from 0", in -> in[0].mul(6).swish(beta), sliced);
        }
        check("geluTanh used twice", in -> in[0].geluTanh(0.8).mul(in[0].geluTanh(0.8)), transposed);
    }

    @Test
    void powWithSeveralExponents() {
        Tensor positive = uniform(30, 0.5, 2, 2, 3);
        check("pow 2", in -> in[0].pow(2), randn(31, 2, 3));
        check("pow 3 (negative bases)", in -> in[0].pow(3), randn(32, 2, 3));
        check("pow 0.5", in -> in[0].pow(0.5), positive);
        check("pow -1.5", in -> in[0].pow(-1.5), positive);
        check("pow 1", in -> in[0].pow(1), positive);
    }

    @Test
    void maximumSendsTheGradientToTheLargerOperand() {
        check("maximum", in -> Arith.maximum(in[0], in[1]), randn(40, 3, 4), randn(41, 3, 4));
        check("maximum broadcast", in -> Arith.maximum(in[0], in[1]), randn(42, 3, 1), randn(43, 4));
    }

    @Test
    void compositeExpressionReusingAnInput() {
        // x appears three times: the three paths' gradients add up.
        check("x*tanh(x)+exp(x)/x", in -> in[0].mul(in[0].tanh()).add(in[0].exp().div(in[0])), uniform(50, 0.5, 2, 4));
    }
}
