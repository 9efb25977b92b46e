package jtrain.engine;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import jtrain.engine.backend.Backends;

/**
 * The gradient buffers one backward pass may reuse instead of allocating: a leaf takes a gradient as its .grad
 * without a copy, and a second gradient reaching a node is added into the first one's buffer, when the pass itself
 * created that buffer (every closure returns either views of its incoming gradient or new tensors, so such a buffer
 * holds nothing but gradients of this pass) and no other gradient of the pass still refers to it. PyTorch's
 * AccumulateGrad steals a gradient under the same condition, read from a reference count; here the pass counts the
 * references itself. The results are the same bits as with copies: x + y is the same float either way.
 */
final class GradientBuffers {
    /** Buffers with a higher serial were created during this pass. */
    private final long firstSerial = Storage.lastSerial();
    /** How many gradients waiting at a node or leaf refer to each buffer. */
    private final Map<Storage, Integer> waiting = new IdentityHashMap<>();
    /** Buffers handed on without a copy (a leaf's .grad, a checkpoint's result): never written by the pass again. */
    private final Set<Storage> handedOn = Collections.newSetFromMap(new IdentityHashMap<>());

    /** g now waits at a node or leaf. */
    void waits(Tensor g) {
        waiting.merge(g.storage(), 1, Integer::sum);
    }

    /** g no longer waits (its node is running, or it was replaced by a sum). */
    void leaves(Tensor g) {
        waiting.computeIfPresent(g.storage(), (s, n) -> n == 1 ? null : n - 1);
    }

    /** g was handed on as it is, so its buffer may be read later by whoever holds it. */
    void handedOn(Tensor g) {
        handedOn.add(g.storage());
    }

    /** Whether g, which no longer waits, may become a leaf's gradient as it is. */
    boolean canAdopt(Tensor g) {
        return ownsWhole(g) && !waiting.containsKey(g.storage());
    }

    /**
     * prev + g for a node that already had the gradient prev waiting; computed into prev's buffer when prev is its
     * only reference, else into a new tensor. results: everything the closure that produced g returned (still to be
     * read, so prev's buffer must not be one of theirs).
     */
    Tensor sum(Tensor prev, Tensor g, Tensor[] results) {
        if (!reusable(prev, g, results)) {
            Tensor sum = prev.add(g);
            leaves(prev);
            waits(sum);
            return sum;
        }
        Backends.of(prev).addInPlace(prev, g);
        return prev;
    }

    private boolean reusable(Tensor prev, Tensor g, Tensor[] results) {
        Storage s = prev.storage();
        if (!ownsWhole(prev) || waiting.getOrDefault(s, 0) != 1 || prev.dtype() != g.dtype()
                || !(prev.dtype() == DType.F32 || prev.dtype() == DType.F64 && prev.device() == Device.CPU)) {
            return false;
        }
        for (Tensor r : results) if (r != null && r.storage() == s) return false;
        return true;
    }

    /** t spans its whole buffer in order, and this pass created that buffer and has not handed it on. */
    private boolean ownsWhole(Tensor t) {
        Storage s = t.storage();
        return s.serial() > firstSerial && !handedOn.contains(s) && t.offset() == 0 && t.numel() == s.length() && t.isContiguous();
    }
}
