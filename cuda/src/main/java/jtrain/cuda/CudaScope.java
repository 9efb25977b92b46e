package jtrain.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jtrain.engine.MemoryScope;
import jtrain.engine.Storage;

/**
 * The CUDA side of a {@link MemoryScope}: the storages one thread allocated while it was open, given back to the
 * allocator when it closes. Reuse needs no event: all work runs on one stream, so kernels queued later touch a
 * reused block only after every earlier kernel that used it.
 */
final class CudaScope implements MemoryScope.Tracker {
    private static final ThreadLocal<CudaScope> CURRENT = new ThreadLocal<>();

    private final CudaScope parent;
    private final List<CudaStorage> storages = new ArrayList<>();

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
        if (s != null) s.storages.add(storage);
    }

    @Override
    public void close(Set<Storage> keep) {
        if (CURRENT.get() != this) {
            throw new IllegalStateException("memory scopes close in the reverse order of opening, on the thread that opened them");
        }
        CURRENT.set(parent);
        for (CudaStorage s : storages) {
            if (!keep.contains(s)) s.release();
            else if (parent != null) parent.storages.add(s);
        }
        storages.clear();
    }
}
