package jtrain.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Starts a JVM whose libcuda.so.1 and libcublas.so.13 are the emulator's stand-ins (src/test/emulator/fake_driver.cpp,
 * fake_cublas.cpp; built by build.sh into target/gpu-emulator/fake-driver/): JCuda's native library and the Panama
 * cuBLAS binding load them as they would NVIDIA's, so the child runs the backend exactly as on a GPU machine.
 */
public final class FakeDriver {
    private FakeDriver() {}

    /** What a child JVM printed (stdout and stderr together) and its exit code. */
    public record Run(int exitCode, String output) {}

    /** The fake libraries' folder, seen from the cuda module or a sibling; skips the calling test when not built. */
    public static Path libraryDir() {
        Path dir = EmulatedGpu.BUILD_DIR.resolve("fake-driver");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("libcuda.so.1")) && Files.isRegularFile(dir.resolve("libcublas.so.13")),
                () -> "skipped: the fake driver is not built (" + dir.toAbsolutePath() + "; needs g++)");
        return dir.toAbsolutePath();
    }

    /** Runs mainClass with args in a JVM on this class path, with the fake driver first on LD_LIBRARY_PATH plus env. */
    public static Run java(Map<String, String> env, long timeoutSeconds, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("fake-driver-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            String previous = System.getenv("LD_LIBRARY_PATH");
            pb.environment().put("LD_LIBRARY_PATH", libraryDir() + (previous == null ? "" : ":" + previous));
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) p.destroyForcibly().waitFor();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (!finished) throw new AssertionError(mainClass + " did not finish in " + timeoutSeconds + " s; it printed:\n" + output);
            return new Run(p.exitValue(), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
