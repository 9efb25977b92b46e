package jtrain.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jtrain.engine.backend.Backend;
import jtrain.engine.backend.Backends;

/**
 * The GPU checks without Maven or JUnit (for a machine with only a Java runtime, see scripts/gpu-check.sh): every
 * {@link OpChecks} check, the bad-id report, the BERT forward/backward comparison ({@link BertCheck}) and, given
 * the golden folder (../shared/golden/hf-bert-tiny/random-init), the HuggingFace golden batch ({@link GoldenCheck});
 * prints a table and exits 0 when all pass, 1 when one fails, 2 when there is no usable GPU.
 * usage: java -cp ... jtrain.cuda.CudaSelfTest [--no-bert] [--golden DIR]
 */
public final class CudaSelfTest {
    private CudaSelfTest() {}

    public static void main(String[] args) {
        Cuda.Status status = Cuda.tryInit();
        if (!status.available()) {
            System.out.println("CUDA unavailable: " + status.reason());
            System.exit(2);
        }
        CudaBackend cuda = status.backend();
        System.out.println("device: " + cuda.deviceName() + ", cuBLAS: " + Cublas.LIBRARY + ", sync after each launch: " + Driver.SYNC);
        Backend reference = Backends.byName("reference");
        List<OpChecks.Result> results = new ArrayList<>();
        for (OpChecks.Check c : OpChecks.all()) {
            OpChecks.Result r = OpChecks.run(c, reference, cuda);
            results.add(r);
            print(r);
        }
        OpChecks.Result bad = OpChecks.badIdIsReported(cuda);
        results.add(bad);
        print(bad);
        if (!List.of(args).contains("--no-bert")) {
            for (OpChecks.Result r : BertCheck.run(cuda)) {
                results.add(r);
                print(r);
            }
        }
        int golden = List.of(args).indexOf("--golden");
        if (golden >= 0 && golden + 1 < args.length) {
            for (OpChecks.Result r : GoldenCheck.run(cuda, java.nio.file.Path.of(args[golden + 1]))) {
                results.add(r);
                print(r);
            }
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        System.out.printf(Locale.ROOT, "%d checks, %d failed; allocator: %s%n", results.size(), failed, cuda.memorySummary());
        System.exit(failed == 0 ? 0 : 1);
    }

    private static void print(OpChecks.Result r) {
        System.out.printf(Locale.ROOT, "%-4s %-66s %10d  err/tol %-9.3g %s%n", r.passed() ? "ok" : "FAIL", r.name(), r.elements(), r.worst(), r.note());
    }
}
