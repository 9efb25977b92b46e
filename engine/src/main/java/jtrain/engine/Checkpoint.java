package jtrain.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Activation checkpointing (torch.utils.checkpoint): runs a function without keeping its intermediate results for
 * the backward pass, and runs it again there to get them. The graph holds one node for the whole function, which
 * saves only its inputs; its backward re-runs the function on detached copies of them, with recording on, and
 * back-propagates through that fresh graph. Memory: one function's activations at a time instead of all of them;
 * cost: its forward pass once more.
 *
 * <pre>{@code
 * h = Checkpoint.run("encoder.layer.3", layer.parameters(), List.of(dropoutRng),
 *         in -> layer.forward(in[0], in[1]), h, maskBias);
 * }</pre>
 *
 * <p>The result and every gradient are the same, bit for bit, as without the checkpoint: the recomputation runs the
 * same kernels on the same values, and the gradients are summed in the same order (a parameter used both inside and
 * outside the function is the exception: its two sums are added in another order, equal up to rounding).
 * <ul>
 * <li>Parameters: the tensors the function reads besides its inputs that need gradients must be passed in
 * {@code params}; they become inputs of the node, so their gradients flow as any op's do (and an optimizer step
 * between forward and backward is refused, as for any op). Using another one, or a tensor some earlier op computed
 * with a gradient, is an error naming it: pass it as an input.
 * <li>Randomness: every generator the function draws from (dropout's) is put back, for the recomputation, in the
 * state it had before the forward pass, then returned to where the rest of the run has taken it since; so the
 * recomputation draws the same masks, and the run's later draws are those of a run without checkpoints. A function
 * that draws a different number of values the second time is an error.
 * <li>FLOPs: the recomputation's matrix products are not counted ({@link Flops}); it shows in the time.
 * <li>Memory scopes: the recomputation runs inside backward(), so its buffers belong to the scope the backward pass
 * runs in (a training step's) and go back when it closes, as the backward pass's own do.
 * </ul>
 * Outside recording (a no-grad scope) the function simply runs.
 */
public final class Checkpoint {
    private Checkpoint() {}

    /**
     * f(inputs) without saving f's intermediate results. inputs may hold nulls (passed to f as they are) and tensors
     * that need no gradient; f must return a tensor computed from them, params and constants, and draw randomness
     * only from rngs.
     */
    public static Tensor run(String name, List<Tensor> params, List<Rng> rngs, Function<Tensor[], Tensor> f, Tensor... inputs) {
        if (!Autograd.isGradEnabled()) return f.apply(inputs.clone());
        List<Tensor> trainable = new ArrayList<>();
        for (Tensor p : params) if (p.requiresGrad()) trainable.add(p);
        long[] before = states(rngs);
        Tensor out;
        try (var ng = Autograd.noGrad()) {
            out = f.apply(inputs.clone()).detach(); // a new tensor object: f may return an input as it is
        }
        long[] after = states(rngs);
        Tensor[] edges = new Tensor[inputs.length + trainable.size()];
        System.arraycopy(inputs, 0, edges, 0, inputs.length);
        for (int i = 0; i < trainable.size(); i++) edges[inputs.length + i] = trainable.get(i);
        return Autograd.record(name, out, edges, g -> recompute(name, f, inputs, trainable, rngs, before, after, g));
    }

    /** The node's backward: f again on detached inputs, then back-propagation from its result with gOut. */
    private static Tensor[] recompute(String name, Function<Tensor[], Tensor> f, Tensor[] inputs, List<Tensor> params, List<Rng> rngs,
                                      long[] before, long[] after, Tensor gOut) {
        Tensor[] leaves = new Tensor[inputs.length];
        List<Tensor> wrt = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            leaves[i] = in == null || !in.requiresGrad() ? in : in.detach().requiresGrad(true);
            if (leaves[i] != null && leaves[i].requiresGrad()) wrt.add(leaves[i]);
        }
        wrt.addAll(params);
        long[] now = states(rngs);
        long firstSerial = Autograd.lastSerial();
        Tensor y;
        long[] replayed;
        setStates(rngs, before);
        try (var grad = Autograd.enableGrad(); var uncounted = Flops.pause(); var phase = Phase.enter("recompute")) {
            y = f.apply(leaves.clone());
            replayed = states(rngs);
        } finally {
            setStates(rngs, now);
        }
        if (!Arrays.equals(replayed, after)) { // the recomputation's draws must end where the forward pass's did
            throw new IllegalStateException("checkpoint '" + name + "': its function drew other random numbers when run again; "
                    + "it must draw only from the generators passed to it, the same number of times");
        }
        Tensor[] g = Autograd.gradients(name, y, gOut, wrt.toArray(Tensor[]::new), firstSerial);
        Tensor[] result = new Tensor[inputs.length + params.size()];
        int k = 0;
        for (int i = 0; i < inputs.length; i++) if (leaves[i] != null && leaves[i].requiresGrad()) result[i] = g[k++];
        for (int i = 0; i < params.size(); i++) result[inputs.length + i] = g[k++];
        return result;
    }

    private static long[] states(List<Rng> rngs) {
        long[] s = new long[rngs.size()];
        for (int i = 0; i < s.length; i++) s[i] = rngs.get(i).state();
        return s;
    }

    private static void setStates(List<Rng> rngs, long[] s) {
        for (int i = 0; i < s.length; i++) rngs.get(i).setState(s[i]);
    }
}
