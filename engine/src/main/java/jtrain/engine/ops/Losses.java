package jtrain.engine.ops;

import jtrain.engine.ShapeException;
import jtrain.engine.Shapes;
import jtrain.engine.Tensor;

/**
 * The regression and multi-label losses of torch.nn.functional, composed from differentiable ops (their gradients
 * follow): mean squared error and binary cross-entropy on logits, both averaged over every element.
 */
public final class Losses {
    private Losses() {}

    /** mean((input - target)^2) over all elements, as F.mse_loss; the target gets no gradient. */
    public static Tensor mse(Tensor input, Tensor target) {
        requireSameShape("mse_loss", input, target);
        Tensor diff = Arith.sub(input, target.detach());
        return Reductions.mean(Arith.mul(diff, diff), null, false);
    }

    /**
     * mean(-y log sigmoid(x) - (1 - y) log(1 - sigmoid(x))) over all elements, as F.binary_cross_entropy_with_logits,
     * in the form max(x, 0) - x y + log(1 + exp(-|x|)) that never takes exp of a large positive number. The targets y
     * are probabilities (multi-hot 0/1 labels) and get no gradient. The two maxima send their gradient to x on ties,
     * so at x = 0 the gradient is sigmoid(0) - y = 0.5 - y, as the formula's derivative sigmoid(x) - y says.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        requireSameShape("binary_cross_entropy_with_logits", logits, targets);
        Tensor zero = Arith.scalarLike(0, logits);
        Tensor abs = Arith.maximum(logits, Arith.neg(logits));
        Tensor softplusOfMinusAbs = Arith.log(Arith.add(Arith.exp(Arith.neg(abs)), 1));
        Tensor perElement = Arith.add(Arith.sub(Arith.maximum(logits, zero), Arith.mul(logits, targets.detach())), softplusOfMinusAbs);
        return Reductions.mean(perElement, null, false);
    }

    private static void requireSameShape(String op, Tensor input, Tensor target) {
        if (!java.util.Arrays.equals(input.shape(), target.shape())) {
            throw new ShapeException(op + ": input " + Shapes.str(input.shape()) + " and target " + Shapes.str(target.shape())
                    + " must have the same shape");
        }
        Checks.floating(op + " input", input);
        Checks.sameDeviceAndDtype(op, input, target);
    }
}
