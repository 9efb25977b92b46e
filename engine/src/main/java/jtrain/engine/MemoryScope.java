package jtrain.engine;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import jtrain.engine.backend.Backends;

/**
 * Gives back the device memory of the tensors created inside a block of work when the block ends, rather than
 * whenever the garbage collector finds them unreachable. The collector does not see device memory: a GPU training
 * step leaves gigabytes of dead activations that only a collection returns, so without a scope the device fills up
 * before each collection and the caching allocator keeps asking the driver for more. A training step is the
 * natural block (with one inner scope per micro-batch when gradients are accumulated, so that each micro-batch's
 * activations are back before the next one runs):
 *
 * <pre>{@code
 * try (MemoryScope step = MemoryScope.open(device)) {
 *     Tensor loss = step.keep(model.loss(batch)); // read after the step
 *     loss.backward();
 *     optimizer.step();
 *     optimizer.zeroGrad();
 * }
 * }</pre>
 *
 * Every buffer the calling thread allocated on the device while the scope was open is given back when it closes,
 * except those of kept tensors (which pass to an enclosing scope, if any) and training state, which lives on
 * whatever scope creates it: a parameter moved to the device ({@link Tensor#moveTo}), a gradient for as long as it
 * is one ({@link Tensor#setGrad}, until {@link Tensor#zeroGrad}) and an optimizer's state (see {@link
 * jtrain.engine.backend.Backend#markLongLived}). A tensor whose buffer was given back fails at its next use with an
 * error saying so; read what you need (loss.item()) inside the scope or keep it. On the CPU a scope does nothing:
 * Java arrays are the collector's business.
 */
public final class MemoryScope implements AutoCloseable {
    /** A backend's side of a scope: close gives back every buffer it tracked, except those in keep. */
    public interface Tracker {
        void close(Set<Storage> keep);
    }

    private final Tracker tracker; // null where the backend needs none
    private final Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private MemoryScope(Tracker tracker) {
        this.tracker = tracker;
    }

    /** Opens a scope on device's backend for the calling thread; scopes nest and must close in reverse order. */
    public static MemoryScope open(Device device) {
        return new MemoryScope(Backends.forDevice(device).openMemoryScope());
    }

    /** Keeps t's buffer (and its gradient's) beyond this scope, into the enclosing one if any; returns t. */
    public Tensor keep(Tensor t) {
        if (t != null) {
            kept.add(t.storage());
            if (t.grad() != null) kept.add(t.grad().storage());
        }
        return t;
    }

    @Override
    public void close() {
        if (closed) return;
        if (tracker != null) tracker.close(kept); // throws, leaving this scope open, when an inner one is still open
        closed = true;
    }
}
