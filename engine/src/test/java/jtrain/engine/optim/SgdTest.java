package jtrain.engine.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.engine.Tensor;

/** Expected values worked out by hand from torch.optim.SGD's update rule. */
class SgdTest {
    private static void stepWithGrad(Sgd opt, Tensor p, double g) {
        p.setGrad(Tensor.of(new double[] {g}));
        opt.step();
    }

    @Test
    void plainSgdMovesAgainstTheGradient() {
        Tensor p = Tensor.of(new double[] {1}).requiresGrad(true);
        Sgd opt = new Sgd(List.of(p), 0.1, 0, 0);
        stepWithGrad(opt, p, 2);
        assertEquals(0.8, p.item(), 1e-15);
    }

    @Test
    void momentumBufferStartsAsTheGradientThenAccumulates() {
        Tensor p = Tensor.of(new double[] {1}).requiresGrad(true);
        Sgd opt = new Sgd(List.of(p), 0.1, 0.9, 0);
        stepWithGrad(opt, p, 1);   // buf = 1                   p = 1 - 0.1*1       = 0.9
        assertEquals(0.9, p.item(), 1e-15);
        stepWithGrad(opt, p, 2);   // buf = 0.9*1 + 2 = 2.9     p = 0.9 - 0.29      = 0.61
        assertEquals(0.61, p.item(), 1e-15);
        stepWithGrad(opt, p, 3);   // buf = 0.9*2.9 + 3 = 5.61  p = 0.61 - 0.561    = 0.049
        assertEquals(0.049, p.item(), 1e-15);
        assertEquals(5.61, opt.exportState().get("0.momentum_buffer").item(), 1e-15);
    }

    @Test
    void nesterovLooksAheadAlongTheBuffer() {
        Tensor p = Tensor.of(new double[] {1}).requiresGrad(true);
        Sgd opt = new Sgd(List.of(p), 0.1, 0.9, 0, true);
        stepWithGrad(opt, p, 1);   // buf = 1;    d = 1 + 0.9*1 = 1.9      p = 1 - 0.19     = 0.81
        assertEquals(0.81, p.item(), 1e-15);
        stepWithGrad(opt, p, 2);   // buf = 2.9;  d = 2 + 0.9*2.9 = 4.61   p = 0.81 - 0.461 = 0.349
        assertEquals(0.349, p.item(), 1e-15);
    }

    @Test
    void weightDecayIsAddedToTheGradient() {
        Tensor p = Tensor.of(new double[] {2}).requiresGrad(true);
        Sgd opt = new Sgd(List.of(p), 0.1, 0, 0.1);
        stepWithGrad(opt, p, 0.5); // d = 0.5 + 0.1*2 = 0.7        p = 2 - 0.07 = 1.93
        assertEquals(1.93, p.item(), 1e-15);
    }

    @Test
    void theGradientItselfIsNotModified() {
        Tensor p = Tensor.of(new double[] {1}).requiresGrad(true);
        Sgd opt = new Sgd(List.of(p), 0.1, 0.9, 0);
        Tensor g = Tensor.of(new double[] {1});
        p.setGrad(g);
        opt.step();
        opt.step(); // the buffer must be a copy, or this would scale g in place
        assertEquals(1.0, g.item());
    }

    @Test
    void groupsScaleTheLearningRate() {
        Tensor a = Tensor.of(new double[] {1}).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {1}).requiresGrad(true);
        Sgd opt = Sgd.withGroups(List.of(new ParamGroup(List.of(a), 1, 0), new ParamGroup(List.of(b), 0.5, 0)), 0.2, 0, false);
        a.setGrad(Tensor.of(new double[] {1}));
        b.setGrad(Tensor.of(new double[] {1}));
        opt.step();
        assertEquals(0.8, a.item(), 1e-15);
        assertEquals(0.9, b.item(), 1e-15);
    }

    @Test
    void nesterovWithoutMomentumIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(Tensor.zeros(1)), 0.1, 0, 0, true));
    }
}
