package jtrain.engine.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jtrain.engine.Tensor;
import jtrain.engine.io.Safetensors;

/** Saving optimizer state mid-training and resuming from it gives bit-identical parameters. */
class OptimizerStateTest {
    @TempDir
    Path dir;

    private static List<Tensor> params() {
        return List.of(Tensor.of(new float[] {0.5f, -1, 2, 0.25f}, 2, 2).requiresGrad(true).named("w"),
                Tensor.of(new float[] {0.1f, 0.2f}, 2).requiresGrad(true).named("b"));
    }

    private static List<Tensor> copies(List<Tensor> ps) {
        return ps.stream().map(p -> Tensor.of(p.toFloatArray(), p.shape()).requiresGrad(true).named(p.name())).toList();
    }

    private static void trainSteps(Optimizer opt, int from, int to) {
        for (int step = from; step < to; step++) {
            for (Tensor p : opt.params()) {
                float[] g = new float[p.numel()];
                for (int i = 0; i < g.length; i++) g[i] = (float) Math.cos(step * 0.9 + i);
                p.setGrad(Tensor.of(g, p.shape()));
            }
            LrSchedule.cosine(1e-2, 2, 10).apply(opt);
            opt.step();
        }
    }

    private void resumesIdentically(Function<List<Tensor>, Optimizer> make) {
        Optimizer straight = make.apply(params());
        trainSteps(straight, 0, 6);

        Optimizer first = make.apply(params());
        trainSteps(first, 0, 3);
        Path ckpt = dir.resolve("optimizer.safetensors");
        Safetensors.write(ckpt, first.exportState(), Map.of("step", Long.toString(first.stepCount())));

        Optimizer resumed = make.apply(copies(first.params()));
        resumed.importState(Safetensors.read(ckpt), Long.parseLong(Safetensors.readMetadata(ckpt).get("step")));
        assertEquals(3, resumed.stepCount());
        trainSteps(resumed, 3, 6);

        for (int i = 0; i < straight.params().size(); i++) {
            assertArrayEquals(straight.params().get(i).toFloatArray(), resumed.params().get(i).toFloatArray(), "param " + i);
        }
    }

    @Test
    void aStepThatFailsOnOneGradientChangesNothing() {
        List<Tensor> p = params(), fresh = params();
        AdamW failing = new AdamW(p, 0.1, 0.9, 0.999, 1e-8, 0), clean = new AdamW(fresh, 0.1, 0.9, 0.999, 1e-8, 0);
        p.get(0).setGrad(Tensor.ones(2, 2));
        p.get(1).setGrad(Tensor.ones(3)); // the wrong shape
        assertThrows(IllegalStateException.class, failing::step);
        assertEquals(Map.of(), failing.exportState(), "no step counted, no moments created");
        p.get(1).setGrad(Tensor.ones(2));
        failing.step();
        for (Tensor t : fresh) t.setGrad(Tensor.ones(t.shape()));
        clean.step();
        for (int i = 0; i < 2; i++) assertArrayEquals(fresh.get(i).toFloatArray(), p.get(i).toFloatArray(), "as if the failure never happened");
    }

    @Test
    void adamwResumesExactly() {
        resumesIdentically(ps -> AdamW.withGroups(ParamGroup.decayMatricesOnly(ps, 0.1), 1e-2, 0.9, 0.999, 1e-8));
    }

    @Test
    void sgdWithMomentumResumesExactly() {
        resumesIdentically(ps -> new Sgd(ps, 1e-2, 0.9, 0.01, true));
    }

    @Test
    void exportedKeysNameTheParameterIndexAndSlot() {
        Optimizer opt = new AdamW(params(), 1e-3, 0.9, 0.999, 1e-8, 0);
        assertEquals(Map.of(), opt.exportState(), "nothing before the first step");
        trainSteps(opt, 0, 1);
        assertEquals(List.of("0.step", "0.exp_avg", "0.exp_avg_sq", "1.step", "1.exp_avg", "1.exp_avg_sq"),
                List.copyOf(opt.exportState().keySet()));
    }

    @Test
    void importingStateOfTheWrongShapeNamesTheParameter() {
        Optimizer opt = new AdamW(params(), 1e-3, 0.9, 0.999, 1e-8, 0);
        Map<String, Tensor> bad = Map.of("1.step", Tensor.scalar(1), "1.exp_avg", Tensor.zeros(3));
        var e = assertThrows(IllegalArgumentException.class, () -> opt.importState(bad, 1));
        assertTrue(e.getMessage().contains("'b'") && e.getMessage().contains("[3]"), e.getMessage());

        var unknown = assertThrows(IllegalArgumentException.class, () -> opt.importState(Map.of("7.exp_avg", Tensor.zeros(2)), 1));
        assertTrue(unknown.getMessage().contains("7.exp_avg"), unknown.getMessage());
    }
}
