package jtrain.cuda;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jtrain.engine.MemoryScope;
import jtrain.engine.Storage;

/**
 * The CUDA side of a {@link MemoryScope}: the storages one thread allocated while it was open, given back to the
 * allocator when it closes, except kept ones (passed to the enclosing scope) and long-lived ones (parameters,
 * gradients, optimizer state: left to the collector). Reuse needs no event: all work runs on one stream, so kernels
 * queued later touch a reused block only after every earlier kernel that used it.
 *
 * <p>The scope holds its storages weakly, so one that dies early (an activation freed by the backward pass) can still
 * go back through its Cleaner when the allocator, short of memory, asks for a collection.
 */
final class CudaScope implements MemoryScope.Tracker {
    private static final ThreadLocal<CudaScope> CURRENT = new ThreadLocal<>();

    private final CudaScope parent;
    private final List<WeakReference<CudaStorage>> storages = new ArrayList<>();

    private CudaScope(CudaScope parent) {
        this.parent = parent;
    }

    /** Opens a scope inside the calling thread's current one (if any). */
    static CudaScope open() {
        CudaScope s = new CudaScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** Tracks a storage the calling thread just allocated, in its innermost open scope. */
    static void track(CudaStorage storage) {
        CudaScope s = CURRENT.get();
        if (s != null) s.storages.add(new WeakReference<>(storage));
    }

    @Override
    public void close(Set<Storage> keep) {
        if (CURRENT.get() != this) {
            throw new IllegalStateException("memory scopes close in the reverse order of opening, on the thread that opened them");
        }
        CURRENT.set(parent);
        for (WeakReference<CudaStorage> ref : storages) {
            CudaStorage s = ref.get();
            if (s == null) continue; // collected: its Cleaner gave the block back
            // State (a gradient, say) passes to the enclosing scope, which gives it back if it is no longer state then.
            if (s.longLived() || keep.contains(s)) {
                if (parent != null) parent.storages.add(ref);
            } else {
                s.release();
            }
        }
        storages.clear();
    }
}
