package jtrain.cuda;

import java.io.PrintStream;
import java.util.Locale;

import jtrain.engine.Device;
import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;

/** Turns a --device choice into a Device: "cpu", "cuda" (the GPU or an error saying why not) or "auto". */
public final class Devices {
    private Devices() {}

    private static boolean noted;

    /** Like {@link #select(String, PrintStream)} with the note on stderr, printed once per JVM however often it is asked. */
    public static synchronized Device select(String choice) {
        if (noted) return select(choice, new PrintStream(java.io.OutputStream.nullOutputStream()));
        java.io.ByteArrayOutputStream note = new java.io.ByteArrayOutputStream();
        Device d = select(choice, new PrintStream(note, true, java.nio.charset.StandardCharsets.UTF_8));
        if (note.size() > 0) {
            System.err.print(note.toString(java.nio.charset.StandardCharsets.UTF_8));
            noted = true;
        }
        return d;
    }

    /**
     * "cpu" gives the CPU; "cuda" (or "cuda:0") the GPU, or an IllegalStateException saying why it is unavailable;
     * "auto" the GPU when one works, else the CPU with one line on notes saying why. A CUDA backend the application
     * registered itself (tests register an emulated GPU) is used as it is.
     */
    public static Device select(String choice, PrintStream notes) {
        String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        Backend registered = Backends.registeredCuda();
        switch (c) {
            case "cpu":
                return Device.CPU;
            case "cuda", "cuda:0", "gpu": {
                if (registered != null) return registered.device();
                Cuda.Status s = Cuda.tryInit();
                if (!s.available()) throw new IllegalStateException("--device cuda: " + s.reason());
                return s.backend().device();
            }
            case "auto": {
                if (registered != null) return registered.device();
                Cuda.Status s = Cuda.tryInit();
                if (s.available()) return s.backend().device();
                notes.println("device: cpu (no GPU: " + s.reason() + ")");
                return Device.CPU;
            }
            default:
                throw new IllegalArgumentException("unknown device '" + choice + "' (expected auto, cpu or cuda)");
        }
    }

    /**
     * Sets how device computes matrix products: "fp32" (true FP32, the default); "tf32" (the GPU's TF32 tensor cores:
     * inputs rounded to 10 mantissa bits, FP32 accumulation; like {@code torch.backends.cuda.matmul.allow_tf32});
     * "bf16" (operands rounded to BF16, 7 mantissa bits, on BF16 tensor cores with FP32 accumulation and results;
     * every other op stays FP32). On the CPU, which computes in FP32 only, "tf32" and "bf16" print one line on notes
     * and change nothing.
     */
    public static void setPrecision(Device device, String precision, PrintStream notes) {
        String p = precision == null ? "fp32" : precision.trim().toLowerCase(Locale.ROOT);
        if (!p.equals("fp32") && !p.equals("tf32") && !p.equals("bf16")) {
            throw new IllegalArgumentException("unknown precision '" + precision + "' (expected fp32, tf32 or bf16)");
        }
        if (Backends.forDevice(device) instanceof CudaBackend cuda) {
            cuda.setPrecision(p);
        } else if (!p.equals("fp32")) {
            notes.println("precision: fp32 (" + p + " is a GPU mode; the CPU computes in fp32)");
        }
    }
}
