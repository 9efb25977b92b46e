package jtrain.cuda;

import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Tensor;

/**
 * Runs in a JVM started on the fake driver (see {@link FakeDriver}): one behaviour of the backend's real JCuda path
 * per argument, printing "ok: ..." or "wrong: ..." and exiting 0 or 1.
 */
public final class FakeDriverProbe {
    private FakeDriverProbe() {}

    public static void main(String[] args) throws Exception {
        Cuda.Status status = Cuda.tryInit();
        if (!status.available()) {
            System.out.println("wrong: CUDA unavailable: " + status.reason());
            System.exit(1);
        }
        String verdict = switch (args[0]) {
            case "second-thread" -> secondThread();
            case "out-of-memory" -> outOfMemory();
            case "staged-uploads" -> stagedUploads();
            case "held-stream" -> heldStream(status.backend());
            default -> "wrong: unknown probe " + args[0];
        };
        System.out.println(verdict);
        System.exit(verdict.startsWith("ok") ? 0 : 1);
    }

    /** The driver binds a context per thread: a thread other than the one that started the backend allocates, computes and reads. */
    private static String secondThread() throws InterruptedException {
        float[][] result = new float[1][];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).to(Device.cuda(0));
                result[0] = x.mul(x).sum(1, false).toFloatArray();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "not-the-starting-thread");
        t.start();
        t.join();
        if (failure[0] != null) return "wrong: " + failure[0];
        return java.util.Arrays.equals(result[0], new float[] {14, 77}) ? "ok: sums of squares " + java.util.Arrays.toString(result[0])
                : "wrong: " + java.util.Arrays.toString(result[0]);
    }

    /**
     * The primitive benchmark's GPU timing: a kernel queued behind spin_wait is timed by events without the hold
     * (which did run: the wall clock saw it), reported as held, and computes the right values; a 100 ms spin inside
     * the timed work is timed as such.
     */
    private static String heldStream(CudaBackend cuda) {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).to(Device.cuda(0));
        cuda.synchronize();
        long t0 = System.nanoTime();
        cuda.holdStream(300_000);
        Tensor[] y = new Tensor[1];
        Driver.GpuTime work = cuda.gpuMillis(() -> y[0] = x.mul(x));
        double wallMs = (System.nanoTime() - t0) / 1e6;
        Driver.GpuTime spin = cuda.gpuMillis(() -> cuda.holdStream(100_000));
        float[] values = y[0].toFloatArray();
        String seen = String.format(java.util.Locale.ROOT, "hold 300 ms: wall %.0f ms, kernel %.2f ms (held %b), %s; a 100 ms spin timed %.1f ms",
                wallMs, work.millis(), work.held(), java.util.Arrays.toString(values), spin.millis());
        boolean right = wallMs >= 300 && work.held() && work.millis() < 50 && java.util.Arrays.equals(values, new float[] {1, 4, 9})
                && spin.millis() >= 90 && spin.millis() < 250;
        return (right ? "ok: " : "wrong: ") + seen;
    }

    /** Asking for more than the device has: an exception naming the bytes and what the allocator holds, no crash. */
    private static String outOfMemory() {
        Tensor kept = Tensor.zeros(DType.F32, Device.cuda(0), 4 << 20); // 16 MiB stays in use
        try {
            Tensor.zeros(DType.F32, Device.cuda(0), 64 << 20); // 256 MiB
            return "wrong: no exception";
        } catch (CudaOutOfMemoryException e) {
            String m = e.getMessage();
            boolean named = m.contains("cuMemAlloc of 268435456 bytes") && m.contains("16.0 MiB in use") && m.contains("MiB free of");
            return (named ? "ok: " : "wrong: ") + m + " (kept " + kept.numel() + " floats)";
        }
    }

    /**
     * Many small uploads go through the pinned ring (8 chunks of 1 MiB): 40 MiB of them wrap it five times, waiting
     * on its events, and every one must arrive intact.
     */
    private static String stagedUploads() {
        int n = 64 * 1024 / 4, copies = 640; // 64 KiB each
        Tensor total = Tensor.zeros(DType.F32, Device.cuda(0), n);
        for (int c = 0; c < copies; c++) {
            float[] data = new float[n];
            java.util.Arrays.fill(data, c);
            total = total.add(Tensor.of(data, n).to(Device.cuda(0)));
        }
        float expected = copies * (copies - 1) / 2f;
        float[] got = total.toFloatArray();
        for (float v : got) {
            if (v != expected) return "wrong: an element is " + v + ", expected " + expected;
        }
        return "ok: " + copies + " staged uploads of 64 KiB summed to " + expected + " everywhere";
    }
}
