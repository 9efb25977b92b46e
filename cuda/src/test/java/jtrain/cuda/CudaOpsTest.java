package jtrain.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import jtrain.engine.backend.Backends;

/** On a GPU: every CUDA kernel against the reference backend (OpChecks), and a BERT-sized forward/backward. Skips without one. */
class CudaOpsTest {
    private static CudaBackend cuda() {
        Cuda.Status s = Cuda.tryInit();
        Assumptions.assumeTrue(s.available(), () -> "no GPU, CUDA tests skipped: " + s.reason());
        return s.backend();
    }

    @TestFactory
    Stream<DynamicTest> eachKernelMatchesTheReference() {
        CudaBackend cuda = cuda();
        return OpChecks.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            OpChecks.Result r = OpChecks.run(c, Backends.byName("reference"), cuda);
            assertTrue(r.passed(), r.name() + ": error/tolerance " + r.worst() + " " + r.note());
        }));
    }

    @Test
    void badIdsSurfaceAtTheNextRead() {
        OpChecks.Result r = OpChecks.badIdIsReported(cuda());
        assertTrue(r.passed(), r.note());
    }

    @Test
    void bertForwardAndBackwardMatchTheCpu() {
        for (OpChecks.Result r : BertCheck.run(cuda())) assertTrue(r.passed(), r.name() + ": error/tolerance " + r.worst() + " " + r.note());
    }
}
