package jtrain.engine.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.engine.Tensor;

/** Warm-up of 10 steps to a peak of 1e-3, training for 110 steps in all. */
class LrScheduleTest {
    static final double PEAK = 1e-3;

    @Test
    void constantNeverChanges() {
        LrSchedule s = LrSchedule.constant(PEAK);
        assertEquals(PEAK, s.lr(0));
        assertEquals(PEAK, s.lr(1_000_000));
    }

    @Test
    void constantWithWarmupRampsThenHolds() {
        LrSchedule s = LrSchedule.constantWithWarmup(PEAK, 10);
        assertEquals(0, s.lr(0));
        assertEquals(PEAK / 2, s.lr(5), 1e-18);
        assertEquals(PEAK, s.lr(10));
        assertEquals(PEAK, s.lr(500));
    }

    @Test
    void linearRampsUpThenDecaysToZero() {
        LrSchedule s = LrSchedule.linear(PEAK, 10, 110);
        assertEquals(0, s.lr(0), "as in Hugging Face, the first update has lr 0");
        assertEquals(PEAK * 0.5, s.lr(5), 1e-18);
        assertEquals(PEAK, s.lr(10), 1e-18);
        assertEquals(PEAK * 0.5, s.lr(60), 1e-18);
        assertEquals(PEAK * 0.01, s.lr(109), 1e-18);
        assertEquals(0, s.lr(110));
        assertEquals(0, s.lr(500), "never negative");
    }

    @Test
    void cosineFollowsHalfACosineToZero() {
        LrSchedule s = LrSchedule.cosine(PEAK, 10, 110);
        assertEquals(PEAK * 0.3, s.lr(3), 1e-18);
        assertEquals(PEAK, s.lr(10), 1e-18);
        assertEquals(PEAK * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.lr(35), 1e-18);
        assertEquals(PEAK * 0.5, s.lr(60), 1e-18);
        assertEquals(0, s.lr(110), 1e-18);
        assertEquals(0, s.lr(500), 1e-18, "stays at the floor after the end");
    }

    @Test
    void cosineWithAMinimumRatioEndsAtThatFraction() {
        LrSchedule s = LrSchedule.cosine(PEAK, 10, 110, 0.1);
        assertEquals(PEAK, s.lr(10), 1e-18);
        assertEquals(PEAK * (0.5 * 0.9 + 0.1), s.lr(60), 1e-18);
        assertEquals(PEAK * 0.1, s.lr(110), 1e-18);
    }

    @Test
    void withoutWarmupTheFirstStepUsesThePeak() {
        assertEquals(PEAK, LrSchedule.linear(PEAK, 0, 100).lr(0));
        assertEquals(PEAK, LrSchedule.cosine(PEAK, 0, 100).lr(0));
    }

    @Test
    void namedSchedulesForConfigFiles() {
        assertEquals(PEAK * 0.5, LrSchedule.of("Linear", PEAK, 10, 110, 0).lr(60), 1e-18);
        assertEquals(PEAK * 0.1, LrSchedule.of("cosine", PEAK, 10, 110, 0.1).lr(110), 1e-18);
        var e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.of("exponential", PEAK, 0, 1, 0));
        assertTrue(e.getMessage().contains("exponential"));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.linear(PEAK, 20, 10), "warm-up longer than training");
    }

    @Test
    void applySetsTheRateForTheOptimizersNextStep() {
        Tensor w = Tensor.zeros(1).requiresGrad(true);
        Sgd opt = new Sgd(List.of(w), 123, 0, 0);
        LrSchedule s = LrSchedule.linear(PEAK, 10, 110);
        s.apply(opt);
        assertEquals(0, opt.lr());
        w.setGrad(Tensor.zeros(1));
        for (int i = 0; i < 5; i++) opt.step();
        s.apply(opt);
        assertEquals(PEAK / 2, opt.lr(), 1e-18);
    }
}
