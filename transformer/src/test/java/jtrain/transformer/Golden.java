package jtrain.transformer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds ../shared/golden/hf-bert-tiny next to the project; tests skip with a message where it is absent. */
final class Golden {
    private Golden() {}

    static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("golden").resolve("hf-bert-tiny");
            if (Files.isDirectory(candidate)) return candidate;
        }
        assumeTrue(false, "skipped: ../shared/golden/hf-bert-tiny (HuggingFace reference outputs) is not present beside the project");
        return null;
    }

    /**
     * ||a - b|| / max(||b||, 1e-6). The floor matters for tensors that are zero in exact arithmetic, such as the
     * attention key bias's gradient (softmax ignores a constant added to a whole row), where both sides hold only
     * rounding noise of about 1e-12.
     */
    static double relativeL2(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-6);
    }
}
