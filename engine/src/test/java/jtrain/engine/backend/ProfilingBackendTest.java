package jtrain.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jtrain.engine.DType;
import jtrain.engine.MemoryScope;
import jtrain.engine.Storage;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The profiler changes no result, names primitives by phase, and its times fit inside the wall-clock time. */
class ProfilingBackendTest {
    private static Tensor[] run(Rng rng) {
        Tensor w = Tensor.randn(rng, 8, 4).requiresGrad(true);
        Tensor x = Tensor.randn(rng, 3, 8);
        Tensor h = x.matmul(w);
        Tensor loss = h.gelu().add(h.geluTanh(0.8)).add(h.swish(1.7)).softmax().sum();
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
        for (String name : List.of("forward matmul", "forward gelu", "forward gelu_tanh", "forward swish", "forward softmax",
                "backward matmul", "backward gelu_backward", "backward gelu_tanh_backward", "backward swish_backward", "backward softmax_backward")) {
            assertTrue(entries.stream().anyMatch(e -> (e.phase() + " " + e.op()).equals(name) && e.calls() > 0), name + " in " + entries);
        }
        assertTrue(profiler.totalNanos() > 0 && profiler.totalNanos() <= wall);
        String table = profiler.table(wall, 1);
        assertTrue(table.contains("backward") && table.contains("outside primitives"), table);
    }

    /** A CPU backend that records the calls a GPU backend relies on (memory scopes, long-lived marks, the AdamW list). */
    private static final class RecordingBackend extends ReferenceBackend {
        final List<String> calls = new ArrayList<>();
        final MemoryScope.Tracker tracker = keep -> calls.add("close scope");

        @Override public MemoryScope.Tracker openMemoryScope() { calls.add("open scope"); return tracker; }
        @Override public void markLongLived(Storage storage, boolean longLived) { calls.add("long-lived " + longLived); }
        @Override public Storage allocateUninitialized(DType dtype, int length) { calls.add("uninitialized " + length); return allocate(dtype, length); }
        @Override public void adamwAll(List<AdamWUpdate> updates) { calls.add("adamwAll " + updates.size()); super.adamwAll(updates); }
    }

    @Test
    void passesMemoryScopesLongLivedMarksAndTheAdamWListToTheWrappedBackend() {
        RecordingBackend inner = new RecordingBackend();
        ProfilingBackend profiler = new ProfilingBackend(inner);
        MemoryScope.Tracker tracker = profiler.openMemoryScope();
        assertSame(inner.tracker, tracker, "the wrapped backend's tracker, so a scope on a profiled GPU still gives buffers back");
        tracker.close(Set.of());
        Storage s = profiler.allocateUninitialized(DType.F32, 6);
        profiler.markLongLived(s, true);
        Tensor p = Tensor.zeros(2, 3), g = Tensor.ones(2, 3), m = Tensor.zeros(2, 3), v = Tensor.zeros(2, 3);
        profiler.adamwAll(List.of(new Backend.AdamWUpdate(p, g, m, v, 0.1, 0.9, 0.999, 1e-8, 0, 0.1, 0.001)));
        assertEquals(List.of("open scope", "close scope", "uninitialized 6", "long-lived true", "adamwAll 1"), inner.calls);
        assertTrue(profiler.entries().stream().anyMatch(e -> e.op().equals("adamw") && e.calls() == 1), profiler.entries().toString());
    }
}
