package jtrain.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.backend.Backends;

/**
 * Define-by-run reverse-mode autodiff. Each differentiable op calls {@link #record} with its output, its inputs and
 * a closure computing the inputs' gradients from the output's gradient; {@link #backward} walks those nodes in
 * reverse topological order. A closure (and so every tensor it saved) is dropped as soon as it has run.
 */
public final class Autograd {
    private Autograd() {}

    /** Computes the gradients of an op's inputs from the gradient of its output (null entries: no gradient). */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    /**
     * One recorded op: its name (for error messages), where each input's gradient goes, and the backward closure.
     * An edge is the input's own Node when the input is an op result, the input tensor itself when it is a leaf that
     * needs a gradient, or null. Op results are not referenced, so an intermediate tensor stays in memory only while
     * something (a closure that saved it, the caller) still holds it, as in PyTorch.
     */
    public static final class Node {
        public final String op;
        final Object[] edges;
        final int[][] inputShapes;
        /** Each leaf input's version when the op ran (parameters: an optimizer step bumps it). */
        final int[] leafVersions;
        Backward backward;

        Node(String op, Tensor[] inputs, Backward backward) {
            this.op = op;
            this.backward = backward;
            edges = new Object[inputs.length];
            inputShapes = new int[inputs.length][];
            leafVersions = new int[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                Tensor t = inputs[i];
                if (t == null || !t.requiresGrad()) continue;
                edges[i] = t.gradFn() != null ? t.gradFn() : t;
                inputShapes[i] = t.shape();
                leafVersions[i] = t.version();
            }
        }

        /** Refuses to run this op's backward when a leaf input changed in place after the forward pass. */
        void requireUnmodifiedLeaves() {
            for (int i = 0; i < edges.length; i++) {
                if (edges[i] instanceof Tensor leaf && leaf.version() != leafVersions[i]) {
                    throw new IllegalStateException("backward of '" + op + "': its input " + (leaf.name() != null ? "'" + leaf.name() + "' " : "")
                            + leaf.describe() + " was modified in place after the forward pass (an optimizer step between forward and "
                            + "backward?); run the forward pass again");
                }
            }
        }
    }

    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private static volatile boolean anomalyMode = Boolean.getBoolean("jtrain.anomaly");
    /** Set while backward() runs the closures: their inner ops are not checked one by one (see backward). */
    private static final ThreadLocal<boolean[]> IN_BACKWARD = ThreadLocal.withInitial(() -> new boolean[1]);

    /** Scope in which ops record nothing: {@code try (var ng = Autograd.noGrad()) { ... }}. */
    public static AutoCloseable0 noGrad() {
        int[] depth = NO_GRAD_DEPTH.get();
        depth[0]++;
        boolean[] closed = new boolean[1];
        return () -> {
            if (!closed[0]) { // closing twice must not switch recording off for good
                closed[0] = true;
                depth[0]--;
            }
        };
    }

    /** An AutoCloseable whose close() throws nothing. */
    public interface AutoCloseable0 extends AutoCloseable {
        @Override
        void close();
    }

    public static boolean isGradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /**
     * Anomaly mode: every op's output (forward and backward) is checked for NaN/Inf, and the first op that
     * produced one is named in the error. Slow (reads every result back); also on with -Djtrain.anomaly=true.
     */
    public static void setAnomalyMode(boolean on) {
        anomalyMode = on;
    }

    /** True while backward() runs the ops' gradient closures on this thread (profilers label those calls). */
    public static boolean inBackward() {
        return IN_BACKWARD.get()[0];
    }

    public static boolean anomalyMode() {
        return anomalyMode;
    }

    /**
     * Registers out as the result of op on inputs. Does nothing in a no-grad scope or when no input needs a
     * gradient. Returns out.
     */
    public static Tensor record(String op, Tensor out, Tensor[] inputs, Backward backward) {
        if (anomalyMode && !IN_BACKWARD.get()[0]) checkFinite(op, out, "forward");
        if (!isGradEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) any |= t != null && t.requiresGrad();
        if (any) out.setGradFn(new Node(op, inputs, backward));
        return out;
    }

    /** Checks a result for NaN/Inf in anomaly mode; for ops that produce tensors outside record(). */
    public static void checkFinite(String op, Tensor t, String phase) {
        if (!t.dtype().floating) return;
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new ArithmeticException("anomaly: " + phase + " of '" + op + "' produced " + v[i] + " at flat index " + i
                        + " of " + t.describe());
            }
        }
    }

    static void backward(Tensor root) {
        if (!root.requiresGrad()) throw new IllegalStateException("backward: the tensor does not require a gradient (no parameter reached it)");
        if (root.numel() != 1) throw new ShapeException("backward: needs a scalar, got shape " + Shapes.str(root.shape()));
        Tensor one = Tensor.full(1, root.dtype(), root.device(), root.shape());
        if (root.gradFn() == null) {
            accumulateLeaf(root, one);
            return;
        }
        List<Object> order = topologicalOrder(root.gradFn());
        Map<Object, Tensor> grads = new IdentityHashMap<>(); // gradient waiting at each node's output or leaf
        grads.put(root.gradFn(), one);
        // In anomaly mode the gradients a closure returns are checked under the name of the op it belongs to; the
        // ops it uses internally (e.g. the div in sqrt's backward) are not checked, so the error names 'sqrt'.
        boolean[] inBackward = IN_BACKWARD.get();
        boolean outer = inBackward[0];
        inBackward[0] = true;
        try (var ng = noGrad()) {
            for (int k = order.size() - 1; k >= 0; k--) {
                Object vertex = order.get(k);
                Tensor g = grads.remove(vertex);
                if (g == null) continue;
                if (vertex instanceof Tensor leaf) {
                    accumulateLeaf(leaf, g);
                    continue;
                }
                Node node = (Node) vertex;
                if (node.backward == null) {
                    throw new IllegalStateException("backward: the graph through '" + node.op + "' was already used and freed; "
                            + "run the forward pass again");
                }
                node.requireUnmodifiedLeaves();
                Tensor[] inGrads = node.backward.apply(g);
                node.backward = null; // frees the tensors the closure saved
                for (int i = 0; i < node.edges.length; i++) {
                    Object in = node.edges[i];
                    if (in == null || inGrads[i] == null) continue;
                    Tensor gi = inGrads[i];
                    if (!java.util.Arrays.equals(gi.shape(), node.inputShapes[i])) {
                        throw new ShapeException("backward of '" + node.op + "': gradient shape " + Shapes.str(gi.shape())
                                + " differs from input shape " + Shapes.str(node.inputShapes[i]));
                    }
                    if (anomalyMode) checkFinite(node.op, gi, "backward");
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? gi : prev.add(gi));
                }
            }
        } finally {
            inBackward[0] = outer;
        }
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        if (leaf.grad() == null) {
            leaf.setGrad(ownCopy(g)); // g may be shared with other gradients or be a strided view
        } else {
            // A gradient set by the user as a view (an expand shares one element among many) is added into a copy.
            if (!leaf.grad().isContiguous()) leaf.setGrad(ownCopy(leaf.grad()));
            Backends.of(leaf).addInPlace(leaf.grad(), g);
        }
    }

    /** A dense copy of t in a new buffer (the copy writes every element). */
    private static Tensor ownCopy(Tensor t) {
        Tensor own = new Tensor(Backends.of(t).allocateUninitialized(t.dtype(), t.numel()), t.shape());
        Backends.of(own).copy(t, own);
        return own;
    }

    /** Nodes and leaves reachable from root through the edges, inputs before the ops that use them. */
    private static List<Object> topologicalOrder(Node root) {
        List<Object> order = new ArrayList<>();
        Map<Object, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>(); // {vertex, next edge index}
        stack.push(new Object[] {root, 0});
        visited.put(root, true);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            int i = (Integer) top[1];
            if (top[0] instanceof Node node && i < node.edges.length) {
                top[1] = i + 1;
                Object in = node.edges[i];
                if (in != null && visited.put(in, true) == null) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                order.add(top[0]);
            }
        }
        return order;
    }
}
