package jtrain.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import jcuda.driver.CUresult;
import jtrain.engine.backend.Backends;

/**
 * The CUDA backend's entry point. {@link #tryInit()} starts it once per JVM and says either which backend is
 * ready (and registers it for {@code Device.cuda(0)}) or why there is none: no libcuda (no NVIDIA driver), no
 * device, no cuBLAS, no PTX in the kernels jar (built without nvcc), or a failing driver call. It never throws.
 */
public final class Cuda {
    private Cuda() {}

    /** The backend, or null and the reason it is unavailable. */
    public record Status(CudaBackend backend, String reason) {
        public boolean available() {
            return backend != null;
        }
    }

    private static Status status;

    /** Starts the backend on the first call (TF32 from -Djtrain.cuda.tf32, default off); later calls return the same answer. */
    public static synchronized Status tryInit() {
        if (status == null) {
            try {
                status = init();
            } catch (Throwable t) { // a native library failing to link is an Error, and must not escape either
                status = new Status(null, "the CUDA backend failed to start: " + t);
            }
            if (status.available()) Backends.registerCuda(status.backend());
        }
        return status;
    }

    private static Status init() throws IOException {
        String reason = driverUnavailable();
        if (reason != null) return new Status(null, reason);
        reason = Cublas.unavailableReason();
        if (reason != null) return new Status(null, reason);
        Map<String, byte[]> ptx = new LinkedHashMap<>();
        reason = loadPtx(ptx);
        if (reason != null) return new Status(null, reason);
        Driver driver = new Driver(ptx);
        long softLimit = (long) (driver.totalMemory * Double.parseDouble(System.getProperty("jtrain.cuda.memoryFraction", "0.85")));
        Gemm gemm = new Gemm(Boolean.getBoolean("jtrain.cuda.tf32"));
        return new Status(new CudaBackend(driver, new DeviceAllocator(softLimit), gemm), null);
    }

    /** Loads JCuda's driver binding and calls cuInit; null when a device is there. */
    private static String driverUnavailable() {
        int rc;
        try {
            jcuda.driver.JCudaDriver.setExceptionsEnabled(false);
            rc = jcuda.driver.JCudaDriver.cuInit(0);
        } catch (UnsatisfiedLinkError e) {
            String msg = String.valueOf(e.getMessage());
            String firstLine = msg.lines().filter(l -> l.contains("libcuda")).findFirst().orElse(msg.lines().findFirst().orElse(msg));
            // "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-...so: libcuda.so.1: cannot open ...": from libcuda on
            int from = firstLine.indexOf("libcuda");
            return "no libcuda (the NVIDIA driver library could not be loaded: " + (from >= 0 ? firstLine.substring(from) : firstLine).trim() + ")";
        }
        if (rc == CUresult.CUDA_ERROR_NO_DEVICE) return "no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)";
        if (rc != CUresult.CUDA_SUCCESS) return "cuInit failed: " + CUresult.stringFor(rc);
        int[] count = new int[1];
        rc = jcuda.driver.JCudaDriver.cuDeviceGetCount(count);
        if (rc != CUresult.CUDA_SUCCESS) return "cuDeviceGetCount failed: " + CUresult.stringFor(rc);
        if (count[0] == 0) return "no CUDA device (cuDeviceGetCount is 0)";
        return null;
    }

    /** Fills ptx with the kernels jar's modules by name; null when all are there, else why not. */
    static String loadPtx(Map<String, byte[]> ptx) throws IOException {
        Properties info = buildInfo();
        if (info == null) return "no PTX in the jar: jtrain/kernels/build-info.properties is missing (is the kernels jar on the class path?)";
        String kernels = info.getProperty("kernels", "").trim();
        if (kernels.isEmpty()) {
            return "no PTX in the jar: the kernels module was built without nvcc (nvcc=" + info.getProperty("nvcc")
                    + "); rebuild on a machine with the CUDA toolkit";
        }
        for (String name : kernels.split(",")) {
            try (InputStream in = Cuda.class.getClassLoader().getResourceAsStream("jtrain/kernels/" + name + ".ptx")) {
                if (in == null) return "no PTX in the jar: jtrain/kernels/" + name + ".ptx is missing";
                ptx.put(name, in.readAllBytes());
            }
        }
        return null;
    }

    /** The kernels jar's build-info.properties (nvcc version, arch, kernel list), or null when absent. */
    static Properties buildInfo() throws IOException {
        try (InputStream in = Cuda.class.getClassLoader().getResourceAsStream("jtrain/kernels/build-info.properties")) {
            if (in == null) return null;
            Properties p = new Properties();
            p.load(in);
            return p;
        }
    }
}
