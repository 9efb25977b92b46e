package jtrain.engine.ops;

import java.util.ArrayList;
import java.util.List;

import jtrain.engine.Autograd;
import jtrain.engine.Shapes;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backend.Binary;
import jtrain.engine.backend.Backend.Reduce;

/** sum, mean and max over dimensions, and sumTo (the gradient of broadcasting). */
public final class Reductions {
    private Reductions() {}

    /** Sum over dims (null: all dimensions). */
    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        boolean[] reduced = reducedMask("sum", x, dims);
        Backend be = Checks.supported("sum", x);
        Tensor kept = be.reduce(Reduce.SUM, x, reduced);
        Tensor out = keepDim ? kept : Views.reshapeView(kept, dropReduced(x.shape(), reduced));
        return Autograd.record("sum", out, new Tensor[] {x},
                g -> new Tensor[] {Views.broadcastView(g.reshape(kept.shape()), x.shape())});
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        Checks.floating("mean", x); // an integer tensor would be scaled by (int) (1 / count) = 0
        boolean[] reduced = reducedMask("mean", x, dims);
        int count = 1;
        for (int d = 0; d < x.rank(); d++) if (reduced[d]) count *= x.size(d);
        return Arith.mul(sum(x, dims, keepDim), 1.0 / count);
    }

    /** Maximum over dims; the gradient is shared equally among tied maxima. */
    public static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        boolean[] reduced = reducedMask("max", x, dims);
        Backend be = Checks.supported("max", x);
        Tensor kept = be.reduce(Reduce.MAX, x, reduced);
        Tensor out = keepDim ? kept : Views.reshapeView(kept, dropReduced(x.shape(), reduced));
        return Autograd.record("max", out, new Tensor[] {x}, g -> {
            Tensor isMax = be.binary(Binary.EQ, x, Views.broadcastView(kept, x.shape()));
            Tensor ties = be.reduce(Reduce.SUM, isMax, reduced);
            Tensor share = Arith.div(g.reshape(kept.shape()), ties);
            return new Tensor[] {Arith.mul(isMax, share)};
        });
    }

    /** Sums g over the dimensions that broadcasting expanded, so it gets the given (pre-broadcast) shape. */
    public static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (java.util.Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < gs.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gs[d] != 1)) dims.add(d);
        }
        Tensor s = sum(g, dims.stream().mapToInt(Integer::intValue).toArray(), true);
        return s.reshape(shape);
    }

    private static boolean[] reducedMask(String op, Tensor x, int[] dims) {
        boolean[] reduced = new boolean[x.rank()];
        if (dims == null) {
            java.util.Arrays.fill(reduced, true);
        } else {
            for (int d : dims) reduced[Shapes.dim(op, d, x.rank())] = true;
        }
        return reduced;
    }

    private static int[] dropReduced(int[] shape, boolean[] reduced) {
        List<Integer> keep = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) if (!reduced[d]) keep.add(shape[d]);
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }
}
