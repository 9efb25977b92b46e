package jtrain.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

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
        /** Creation order: a recomputation (Checkpoint) tells its own nodes from the outer graph's by it. */
        final long serial = NODE_SERIAL.incrementAndGet();
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

    private static final AtomicLong NODE_SERIAL = new AtomicLong();
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

    /**
     * Records again inside a no-grad scope (torch's enable_grad), until close() restores the outer setting: a
     * checkpoint's backward closure rebuilds its function's graph with it while backward() has recording off.
     */
    static AutoCloseable0 enableGrad() {
        int[] depth = NO_GRAD_DEPTH.get();
        int outer = depth[0];
        depth[0] = 0;
        boolean[] closed = new boolean[1];
        return () -> {
            if (!closed[0]) {
                closed[0] = true;
                depth[0] = outer;
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
            accumulateLeaf(root, one, null);
            return;
        }
        propagate(root.gradFn(), one, null);
    }

    /**
     * The gradients of wrt (leaves) from root with the incoming gradient rootGrad, returned instead of accumulated
     * into .grad (torch.autograd.grad); null where none reached. The graph must have been recorded after the node
     * numbered firstSerial was: what {@code checkpointName}'s function recorded, from its own inputs and parameters.
     * A path into an older graph or to another leaf that needs a gradient is an error naming the checkpoint.
     */
    static Tensor[] gradients(String checkpointName, Tensor root, Tensor rootGrad, Tensor[] wrt, long firstSerial) {
        LeafSink sink = new LeafSink(checkpointName, wrt, firstSerial);
        if (!root.requiresGrad()) return sink.grads;
        if (root.gradFn() == null) sink.add(root, rootGrad);
        else {
            sink.requireOwn(root.gradFn());
            propagate(root.gradFn(), rootGrad, sink);
        }
        return sink.grads;
    }

    /** The serial the next recorded node will have is above this one. */
    static long lastSerial() {
        return NODE_SERIAL.get();
    }

    /** Where a recomputation's leaf gradients go: one slot per wanted leaf; any other leaf is a mistake of the caller. */
    private static final class LeafSink {
        final String name;
        final Map<Tensor, Integer> index = new IdentityHashMap<>();
        final Tensor[] grads;
        final long firstSerial;

        LeafSink(String name, Tensor[] wrt, long firstSerial) {
            this.name = name;
            this.firstSerial = firstSerial;
            grads = new Tensor[wrt.length];
            for (int i = 0; i < wrt.length; i++) index.put(wrt[i], i);
        }

        void add(Tensor leaf, Tensor g) {
            Integer i = index.get(leaf);
            if (i == null) {
                throw new IllegalStateException("checkpoint '" + name + "': its function used " + (leaf.name() != null ? "'" + leaf.name() + "' " : "")
                        + leaf.describe() + ", which needs a gradient but is neither an input nor one of the parameters passed to it");
            }
            grads[i] = grads[i] == null ? g : grads[i].add(g);
        }

        void requireOwn(Object vertex) {
            if (vertex instanceof Tensor leaf && !index.containsKey(leaf)) add(leaf, null); // the error naming it
            if (vertex instanceof Node node && node.serial <= firstSerial) {
                throw new IllegalStateException("checkpoint '" + name + "': its function used a tensor computed outside it (by '" + node.op
                        + "'); pass that tensor as an input");
            }
        }
    }

    /** Runs the backward closures from root, whose output gradient is rootGrad; leaf gradients go to sink, or to .grad when it is null. */
    private static void propagate(Node root, Tensor rootGrad, LeafSink sink) {
        List<Object> order = topologicalOrder(root, sink);
        Map<Object, Tensor> grads = new IdentityHashMap<>(); // gradient waiting at each node's output or leaf
        GradientBuffers buffers = new GradientBuffers();
        grads.put(root, rootGrad);
        buffers.waits(rootGrad);
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
                buffers.leaves(g);
                if (vertex instanceof Tensor leaf) {
                    if (sink != null) {
                        sink.add(leaf, g);
                        buffers.handedOn(g);
                    } else {
                        accumulateLeaf(leaf, g, buffers);
                    }
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
                    if (prev == null) buffers.waits(gi);
                    grads.put(in, prev == null ? gi : buffers.sum(prev, gi, inGrads));
                }
            }
        } finally {
            inBackward[0] = outer;
        }
    }

    /** Adds g to leaf.grad; buffers: the pass's reusable gradients (g is taken as it is when it may be), or null. */
    private static void accumulateLeaf(Tensor leaf, Tensor g, GradientBuffers buffers) {
        if (leaf.grad() == null) {
            if (buffers != null && buffers.canAdopt(g)) {
                leaf.setGrad(g);
                buffers.handedOn(g);
            } else {
                leaf.setGrad(ownCopy(g)); // g may be shared with other gradients, be a strided view or the caller's
            }
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

    /**
     * Nodes and leaves reachable from root through the edges, inputs before the ops that use them. With a sink, every
     * node must belong to the recomputation (checked before any closure runs, so an outer graph is left intact).
     */
    private static List<Object> topologicalOrder(Node root, LeafSink sink) {
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
                if (in != null && visited.put(in, true) == null) {
                    if (sink != null) sink.requireOwn(in);
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(top[0]);
            }
        }
        return order;
    }
}
