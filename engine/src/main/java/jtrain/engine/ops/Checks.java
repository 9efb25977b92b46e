package jtrain.engine.ops;

import jtrain.engine.DType;
import jtrain.engine.Shapes;
import jtrain.engine.ShapeException;
import jtrain.engine.Tensor;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;

/** Argument checks shared by the ops; every message names the op and the offending shapes, dtypes or devices. */
final class Checks {
    private Checks() {}

    /** All operands on one device with one dtype, supported by that device's backend; returns the backend. */
    static Backend sameDeviceAndDtype(String op, Tensor... ts) {
        Tensor first = ts[0];
        for (Tensor t : ts) {
            if (!t.device().equals(first.device())) {
                throw new IllegalArgumentException(op + ": device mismatch: " + first.describe() + " and " + t.describe());
            }
            if (t.dtype() != first.dtype()) {
                throw new IllegalArgumentException(op + ": dtype mismatch: " + first.describe() + " and " + t.describe());
            }
        }
        return supported(op, first);
    }

    static Backend sameDevice(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (!t.device().equals(ts[0].device())) {
                throw new IllegalArgumentException(op + ": device mismatch: " + ts[0].describe() + " and " + t.describe());
            }
        }
        return supported(op, ts[0]);
    }

    static Backend supported(String op, Tensor t) {
        Backend b = Backends.of(t);
        if (!b.supports(t.dtype())) {
            throw new IllegalArgumentException(op + ": the " + b.name() + " backend does not compute on " + t.dtype()
                    + " (" + t.describe() + "); convert with to(DType.F32)");
        }
        return b;
    }

    static void floating(String op, Tensor t) {
        if (!t.dtype().floating) throw new IllegalArgumentException(op + ": needs a floating tensor, got " + t.describe());
    }

    static void dtype(String op, Tensor t, DType expected) {
        if (t.dtype() != expected) throw new IllegalArgumentException(op + ": expected " + expected + ", got " + t.describe());
    }

    static void rank(String op, Tensor t, int rank) {
        if (t.rank() != rank) {
            throw new ShapeException(op + ": expected a rank-" + rank + " tensor, got shape " + Shapes.str(t.shape()));
        }
    }
}
