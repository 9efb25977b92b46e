package jtrain.engine.backend;

import java.util.Locale;

import jtrain.engine.Autograd;
import jtrain.engine.Device;
import jtrain.engine.Tensor;

/**
 * Chooses the backend for each device. On the CPU the fastest available one is used ("vector") unless the system
 * property {@code jtrain.backend} or the environment variable {@code JTRAIN_BACKEND} names another
 * ("reference" or "vector"). The CUDA backend registers itself when its module is on the class path and a GPU works.
 */
public final class Backends {
    private Backends() {}

    /** Chosen on first use, not at class initialisation: a bad setting then fails each call with its reason. */
    private static volatile Backend cpu;
    private static volatile Backend cuda;

    private static Backend chooseCpu() {
        String choice = System.getProperty("jtrain.backend", System.getenv("JTRAIN_BACKEND"));
        if (choice == null || choice.isBlank() || choice.equalsIgnoreCase("auto")) {
            return VectorBackend.isAvailable() ? new VectorBackend() : new ReferenceBackend();
        }
        return byName(choice);
    }

    /** A new CPU backend by name. */
    public static Backend byName(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "reference" -> new ReferenceBackend();
            case "vector" -> {
                if (!VectorBackend.isAvailable()) {
                    throw new IllegalStateException("backend 'vector' needs the Vector API: run java with --add-modules jdk.incubator.vector");
                }
                yield new VectorBackend();
            }
            default -> throw new IllegalArgumentException("unknown CPU backend '" + name + "' (expected reference, vector or auto)");
        };
    }

    public static Backend cpu() {
        Backend b = cpu;
        if (b != null) return b;
        synchronized (Backends.class) {
            if (cpu == null) cpu = chooseCpu();
            return cpu;
        }
    }

    /** Temporarily computes CPU tensors with another backend (tests compare backends this way). */
    public static Autograd.AutoCloseable0 useCpu(Backend backend) {
        Backend previous = cpu; // null while none was chosen yet: chosen again on the next use
        cpu = backend;
        return () -> cpu = previous;
    }

    public static void registerCuda(Backend backend) {
        cuda = backend;
    }

    /** The backend serving CUDA devices, or null while none is registered. */
    public static Backend registeredCuda() {
        return cuda;
    }

    /** Temporarily serves CUDA devices with another backend (tests run the CUDA backend over an emulated GPU this way). */
    public static Autograd.AutoCloseable0 useCuda(Backend backend) {
        Backend previous = cuda;
        cuda = backend;
        return () -> cuda = previous;
    }

    public static Backend forDevice(Device device) {
        if (device.isCpu()) return cpu();
        if (cuda == null) {
            throw new IllegalStateException("no CUDA backend is available for device " + device
                    + " (the CUDA backend is not on the class path or found no working GPU)");
        }
        return cuda;
    }

    public static Backend of(Tensor t) {
        return forDevice(t.device());
    }
}
