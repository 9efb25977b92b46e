package jtrain.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The profiler changes no result, names primitives by phase, and its times fit inside the wall-clock time. */
class ProfilingBackendTest {
    private static Tensor[] run(Rng rng) {
        Tensor w = Tensor.randn(rng, 8, 4).requiresGrad(true);
        Tensor x = Tensor.randn(rng, 3, 8);
        Tensor loss = x.matmul(w).gelu().softmax().sum();
        loss.backward();
        return new Tensor[] {loss, w.grad()};
    }

    @Test
    void timesEachPrimitiveByPhaseWithoutChangingResults() {
        Tensor[] plain = run(new Rng(3));
        ProfilingBackend profiler = new ProfilingBackend(Backends.cpu());
        Tensor[] profiled;
        long t0 = System.nanoTime();
        try (var installed = Backends.useCpu(profiler)) {
            profiled = run(new Rng(3));
        }
        long wall = System.nanoTime() - t0;
        assertArrayEquals(plain[0].toFloatArray(), profiled[0].toFloatArray());
        assertArrayEquals(plain[1].toFloatArray(), profiled[1].toFloatArray());

        List<ProfilingBackend.Entry> entries = profiler.entries();
        for (String name : List.of("forward matmul", "forward gelu", "forward softmax", "backward matmul", "backward gelu_backward",
                "backward softmax_backward")) {
            assertTrue(entries.stream().anyMatch(e -> (e.phase() + " " + e.op()).equals(name) && e.calls() > 0), name + " in " + entries);
        }
        assertTrue(profiler.totalNanos() > 0 && profiler.totalNanos() <= wall);
        String table = profiler.table(wall, 1);
        assertTrue(table.contains("backward") && table.contains("outside primitives"), table);
    }
}
