package jtrain.engine.ops;

import java.util.Arrays;

import jtrain.engine.Autograd;
import jtrain.engine.CpuStorage;
import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Shapes;
import jtrain.engine.ShapeException;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;

/**
 * Shape ops. Most are views sharing storage (reshape of mergeable strides, permute, transpose, slice, expand,
 * squeeze/unsqueeze); concat, contiguous, cast and device moves copy.
 */
public final class Views {
    private Views() {}

    // ---- raw views (not recorded: for use inside ops) ---------------------------------------------------------

    public static Tensor strided(Tensor t, int[] shape, int[] strides, int offset) {
        return new Tensor(t.storage(), shape, strides, offset);
    }

    /** t broadcast to shape as a view (stride 0 along expanded dimensions). */
    public static Tensor broadcastView(Tensor t, int[] shape) {
        int[] ts = t.shape(), st = t.strides();
        if (Arrays.equals(ts, shape)) return t;
        if (shape.length < ts.length) throw new ShapeException("expand: cannot expand " + Shapes.str(ts) + " to fewer dimensions " + Shapes.str(shape));
        int lead = shape.length - ts.length;
        int[] strides = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (d < lead) continue;
            int size = ts[d - lead];
            if (size == shape[d]) {
                strides[d] = st[d - lead];
            } else if (size != 1) {
                throw new ShapeException("expand: cannot expand " + Shapes.str(ts) + " to " + Shapes.str(shape));
            }
        }
        return strided(t, shape, strides, t.offset());
    }

    /** A view with a new shape, which must be possible without copying. */
    public static Tensor reshapeView(Tensor t, int... shape) {
        int[] strides = viewStrides(t.shape(), t.strides(), shape);
        if (strides == null) throw new ShapeException("reshape: " + Shapes.str(t.shape()) + " to " + Shapes.str(shape) + " needs a copy");
        return strided(t, shape, strides, t.offset());
    }

    /**
     * Strides that let newShape view data laid out as (oldShape, oldStrides), or null when a copy is needed.
     * Old dimensions are grouped into runs whose sizes multiply to the sizes of new dimensions; a run can be
     * re-split freely only when its elements are evenly spaced.
     */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        if (Shapes.numel(oldShape) != Shapes.numel(newShape)) return null;
        if (Shapes.numel(newShape) == 0) return Shapes.contiguousStrides(newShape);
        int[][] squeezed = squeezeOnes(oldShape, oldStrides);
        int[] os = squeezed[0], ost = squeezed[1];
        int[] newStrides = new int[newShape.length];
        int oi = 0, ni = 0;
        while (ni < newShape.length) {
            if (newShape[ni] == 1) {
                ni++; // size-1 dimensions get a stride in the pass below
                continue;
            }
            // One run of old dims and one run of new dims with the same product.
            int oStart = oi, nStart = ni;
            long op = os[oi++], np = newShape[ni++];
            while (op != np) {
                if (op < np) op *= os[oi++];
                else np *= newShape[ni++];
            }
            for (int d = oStart; d < oi - 1; d++) {
                if (ost[d] != ost[d + 1] * os[d + 1]) return null; // not evenly spaced: cannot re-split
            }
            int stride = ost[oi - 1];
            for (int d = ni - 1; d >= nStart; d--) {
                if (newShape[d] == 1) continue;
                newStrides[d] = stride;
                stride *= newShape[d];
            }
        }
        for (int d = newShape.length - 1; d >= 0; d--) {
            if (newShape[d] == 1) newStrides[d] = d + 1 < newShape.length ? newStrides[d + 1] * newShape[d + 1] : 1;
        }
        return newStrides;
    }

    private static int[][] squeezeOnes(int[] shape, int[] strides) {
        int n = 0;
        for (int s : shape) if (s != 1) n++;
        int[] sh = new int[n], st = new int[n];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (shape[d] != 1) {
                sh[j] = shape[d];
                st[j++] = strides[d];
            }
        }
        return new int[][] {sh, st};
    }

    // ---- differentiable shape ops -----------------------------------------------------------------------------

    public static Tensor contiguous(Tensor x) {
        if (x.isContiguous()) return x;
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.shape());
        Backends.of(x).copy(x, out);
        return Autograd.record("contiguous", out, new Tensor[] {x}, g -> new Tensor[] {g});
    }

    /** Reshape (one dimension may be -1); a view when the strides allow, else a copy. */
    public static Tensor reshape(Tensor x, int... shape) {
        int[] target = inferShape(x, shape);
        if (Arrays.equals(target, x.shape())) return x;
        int[] strides = viewStrides(x.shape(), x.strides(), target);
        Tensor out = strides != null ? strided(x, target, strides, x.offset()) : reshapeView(copyOf(x), target);
        int[] xs = x.shape(); // the shape only: a copied x need not stay in memory
        return Autograd.record("reshape", out, new Tensor[] {x}, g -> new Tensor[] {g.reshape(xs)});
    }

    private static Tensor copyOf(Tensor x) {
        Tensor out = Tensor.zeros(x.dtype(), x.device(), x.shape());
        Backends.of(x).copy(x, out);
        return out;
    }

    private static int[] inferShape(Tensor x, int[] shape) {
        int[] s = shape.clone();
        int unknown = -1, known = 1;
        for (int d = 0; d < s.length; d++) {
            if (s[d] == -1) {
                if (unknown >= 0) throw new ShapeException("reshape: more than one -1 in " + Shapes.str(shape));
                unknown = d;
            } else {
                known *= s[d];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || x.numel() % known != 0) {
                throw new ShapeException("reshape: cannot reshape " + Shapes.str(x.shape()) + " to " + Shapes.str(shape));
            }
            s[unknown] = x.numel() / known;
        }
        if (Shapes.numel(s) != x.numel()) {
            throw new ShapeException("reshape: cannot reshape " + Shapes.str(x.shape()) + " (" + x.numel() + " elements) to " + Shapes.str(shape));
        }
        return s;
    }

    public static Tensor permute(Tensor x, int... dims) {
        int rank = x.rank();
        if (dims.length != rank) throw new ShapeException("permute: " + Arrays.toString(dims) + " for shape " + Shapes.str(x.shape()));
        int[] shape = new int[rank], strides = new int[rank], inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        int[] xs = x.shape(), xt = x.strides();
        for (int i = 0; i < rank; i++) {
            int d = Shapes.dim("permute", dims[i], rank);
            if (seen[d]) throw new ShapeException("permute: repeated dimension in " + Arrays.toString(dims));
            seen[d] = true;
            shape[i] = xs[d];
            strides[i] = xt[d];
            inverse[d] = i;
        }
        Tensor out = strided(x, shape, strides, x.offset());
        return Autograd.record("permute", out, new Tensor[] {x}, g -> new Tensor[] {permute(g, inverse)});
    }

    public static Tensor transpose(Tensor x, int d0, int d1) {
        int rank = x.rank();
        int a = Shapes.dim("transpose", d0, rank), b = Shapes.dim("transpose", d1, rank);
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = i;
        dims[a] = b;
        dims[b] = a;
        return permute(x, dims);
    }

    /** Elements start (inclusive) to end (exclusive) along dim, as a view. */
    public static Tensor slice(Tensor x, int dim, int start, int end) {
        int d = Shapes.dim("slice", dim, x.rank());
        int size = x.size(d);
        if (start < 0 || end > size || start > end) {
            throw new ShapeException("slice: [" + start + ", " + end + ") out of range for dimension " + d + " of " + Shapes.str(x.shape()));
        }
        int[] shape = x.shape();
        shape[d] = end - start;
        Tensor out = strided(x, shape, x.strides(), x.offset() + start * x.stride(d));
        int[] xs = x.shape();
        return Autograd.record("slice", out, new Tensor[] {x}, g -> {
            Tensor full = Tensor.zeros(g.dtype(), g.device(), xs);
            Backends.of(full).copy(g, strided(full, shape, full.strides(), start * full.stride(d)));
            return new Tensor[] {full};
        });
    }

    public static Tensor expand(Tensor x, int... shape) {
        if (Arrays.equals(shape, x.shape())) return x; // broadcastView would return x itself: recording it would loop
        Tensor out = broadcastView(x, shape);
        int[] xs = x.shape();
        return Autograd.record("expand", out, new Tensor[] {x}, g -> new Tensor[] {Reductions.sumTo(g, xs)});
    }

    public static Tensor unsqueeze(Tensor x, int dim) {
        int d = Shapes.dim("unsqueeze", dim, x.rank() + 1);
        int[] shape = new int[x.rank() + 1];
        for (int i = 0, j = 0; i < shape.length; i++) shape[i] = i == d ? 1 : x.size(j++);
        return reshape(x, shape);
    }

    public static Tensor squeeze(Tensor x, int dim) {
        int d = Shapes.dim("squeeze", dim, x.rank());
        if (x.size(d) != 1) throw new ShapeException("squeeze: dimension " + d + " of " + Shapes.str(x.shape()) + " is not 1");
        int[] shape = new int[x.rank() - 1];
        for (int i = 0, j = 0; i < x.rank(); i++) if (i != d) shape[j++] = x.size(i);
        return reshape(x, shape);
    }

    /** Joins tensors along dim (all other dimensions equal). */
    public static Tensor concat(int dim, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: no tensors");
        Tensor[] xs = parts.clone(); // the graph keeps its own list: the caller may reuse its array
        Backend be = Checks.sameDeviceAndDtype("concat", xs);
        int d = Shapes.dim("concat", dim, xs[0].rank());
        int[] shape = xs[0].shape();
        int total = 0;
        for (Tensor x : xs) {
            int[] s = x.shape();
            if (s.length != shape.length) throw new ShapeException("concat: ranks differ: " + Shapes.str(shape) + " and " + Shapes.str(s));
            for (int i = 0; i < s.length; i++) {
                if (i != d && s[i] != shape[i]) throw new ShapeException("concat: shapes " + Shapes.str(shape) + " and " + Shapes.str(s) + " differ outside dimension " + d);
            }
            total += s[d];
        }
        shape[d] = total;
        Tensor out = Tensor.zeros(xs[0].dtype(), xs[0].device(), shape);
        int[] starts = new int[xs.length];
        for (int i = 0, at = 0; i < xs.length; i++) {
            starts[i] = at;
            int[] part = xs[i].shape();
            be.copy(xs[i], strided(out, part, out.strides(), at * out.stride(d)));
            at += part[d];
        }
        return Autograd.record("concat", out, xs, g -> {
            Tensor[] grads = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) grads[i] = slice(g, d, starts[i], starts[i] + xs[i].size(d));
            return grads;
        });
    }

    /** Splits along dim into pieces of the given sizes (views). */
    public static Tensor[] split(Tensor x, int dim, int... sizes) {
        int d = Shapes.dim("split", dim, x.rank());
        int sum = Arrays.stream(sizes).sum();
        if (sum != x.size(d)) throw new ShapeException("split: sizes " + Arrays.toString(sizes) + " do not add up to dimension " + d + " of " + Shapes.str(x.shape()));
        Tensor[] parts = new Tensor[sizes.length];
        for (int i = 0, at = 0; i < sizes.length; at += sizes[i++]) parts[i] = slice(x, d, at, at + sizes[i]);
        return parts;
    }

    /** Converts to another dtype; the gradient flows back converted to the source dtype. */
    public static Tensor cast(Tensor x, DType target) {
        if (x.dtype() == target) return x;
        Tensor out = Tensor.zeros(target, x.device(), x.shape());
        Backends.of(x).copy(x, out);
        if (!x.dtype().floating || !target.floating) return out;
        return Autograd.record("cast", out, new Tensor[] {x}, g -> new Tensor[] {cast(g, x.dtype())});
    }

    /** Copies to another device through the host; the gradient flows back to the source device. */
    public static Tensor toDevice(Tensor x, Device target) {
        if (x.device().equals(target)) return x;
        Tensor c = x.isContiguous() && x.offset() == 0 && x.storage().length() == x.numel() ? x : copyOf(x);
        CpuStorage host = Backends.of(c).toHost(c.storage());
        Tensor out = new Tensor(Backends.forDevice(target).fromHost(host), x.shape());
        return Autograd.record("to(" + target + ")", out, new Tensor[] {x}, g -> new Tensor[] {toDevice(g, x.device())});
    }
}
