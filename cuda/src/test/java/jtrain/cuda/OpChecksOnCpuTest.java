package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.engine.backend.Backends;
import jtrain.engine.backend.VectorBackend;

/**
 * The GPU checks themselves, run here with the CPU vector backend in the GPU's place: every check builds its inputs,
 * views and outputs without error, and a float32 backend meets the stated tolerances (so they are not too tight
 * for float arithmetic), before any GPU ever runs them.
 */
class OpChecksOnCpuTest {
    @Test
    void everyCheckRunsAndAFloatBackendPassesIt() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorBackend.isAvailable(), "needs the Vector API");
        List<String> failures = new ArrayList<>();
        for (OpChecks.Check c : OpChecks.all()) {
            OpChecks.Result r = OpChecks.run(c, Backends.byName("reference"), Backends.byName("vector"));
            if (!r.passed()) failures.add(r.name() + ": error/tolerance " + r.worst() + " " + r.note());
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
