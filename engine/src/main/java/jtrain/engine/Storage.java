package jtrain.engine;

import java.util.concurrent.atomic.AtomicLong;

/** A flat buffer of elements on one device. Tensors are views (shape, strides, offset) over a storage. */
public interface Storage {
    Device device();

    DType dtype();

    /** Number of elements. */
    int length();

    /**
     * When this buffer was created, among all buffers of the JVM (from {@link #newSerial}); 0 when unknown. A backward
     * pass reuses, without copying, only the gradient buffers created after it began (see GradientBuffers).
     */
    default long serial() {
        return 0;
    }

    /** The serial for a buffer being created now: larger than every one handed out before. */
    static long newSerial() {
        return Serials.LAST.incrementAndGet();
    }

    /** The serial of the most recently created buffer. */
    static long lastSerial() {
        return Serials.LAST.get();
    }
}

/** The counter behind {@link Storage#serial()}. */
final class Serials {
    private Serials() {}

    static final AtomicLong LAST = new AtomicLong();
}
