package jtrain.engine.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import jtrain.engine.Tensor;

class AdamWTest {
    static final double B1 = 0.9, B2 = 0.999, EPS = 1e-8;

    /** torch.optim.AdamW written out in plain doubles: the reference the optimizer must reproduce. */
    static final class Reference {
        final double[] p, m, v;
        int t;

        Reference(double[] p) {
            this.p = p.clone();
            this.m = new double[p.length];
            this.v = new double[p.length];
        }

        void step(double[] g, double lr, double wd) {
            t++;
            for (int i = 0; i < p.length; i++) {
                p[i] *= 1 - lr * wd;
                m[i] = B1 * m[i] + (1 - B1) * g[i];
                v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(B1, t));
                double vHat = v[i] / (1 - Math.pow(B2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + EPS);
            }
        }
    }

    /** Made-up gradients, different each step and element, including sign changes and a zero. */
    static double[] grad(int step, int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) g[i] = Math.sin(1.3 * step + 0.7 * i) * (i + 1) * (i == 2 ? 0 : 1);
        return g;
    }

    @Test
    void fiveStepsMatchTheTorchFormulaInDoublePrecision() {
        double[] init = {0.5, -1.25, 2.0, 0.1, -0.3, 3.0};
        Tensor w = Tensor.of(init, 2, 3).requiresGrad(true);
        AdamW opt = new AdamW(List.of(w), 1e-2, B1, B2, EPS, 0.1);
        Reference ref = new Reference(init);

        double[] lrs = {1e-2, 2e-2, 1.5e-2, 5e-3, 1e-3}; // a schedule changes lr between steps
        for (int step = 0; step < 5; step++) {
            double[] g = grad(step, 6);
            w.setGrad(Tensor.of(g, 2, 3));
            opt.setLr(lrs[step]);
            opt.step();
            ref.step(g, lrs[step], 0.1);
            assertArrayEquals(ref.p, w.toDoubleArray(), 1e-14, "after step " + (step + 1));
        }
        assertEquals(5, opt.stepCount());
    }

    @Test
    void f32ParametersFollowTheSameFormulaToFloatPrecision() {
        double[] init = {0.5, -1.25, 2.0, 0.1};
        float[] f = {0.5f, -1.25f, 2.0f, 0.1f};
        Tensor w = Tensor.of(f, 4).requiresGrad(true);
        AdamW opt = new AdamW(List.of(w), 1e-3, B1, B2, EPS, 0.01);
        Reference ref = new Reference(init);
        for (int step = 0; step < 5; step++) {
            double[] g = grad(step, 4);
            float[] gf = new float[4];
            for (int i = 0; i < 4; i++) gf[i] = (float) g[i];
            w.setGrad(Tensor.of(gf, 4));
            opt.step();
            for (int i = 0; i < 4; i++) g[i] = gf[i];
            ref.step(g, 1e-3, 0.01);
        }
        double[] got = w.toDoubleArray();
        for (int i = 0; i < 4; i++) assertEquals(ref.p[i], got[i], 1e-6);
    }

    @Test
    void theFirstUpdateIsAboutLrTimesTheSignOfTheGradient() {
        // Bias correction makes m/sqrt(v) = g/|g| on step 1, whatever the gradient's size.
        Tensor w = Tensor.of(new double[] {1, 1, 1}).requiresGrad(true);
        w.setGrad(Tensor.of(new double[] {1e-3, -50, 7}));
        new AdamW(List.of(w), 0.1, B1, B2, EPS, 0).step();
        assertArrayEquals(new double[] {0.9, 1.1, 0.9}, w.toDoubleArray(), 1e-5);
    }

    @Test
    void groupsHaveTheirOwnLrScaleAndWeightDecay() {
        Tensor decayed = Tensor.of(new double[] {2, 4}).requiresGrad(true);
        Tensor notDecayed = Tensor.of(new double[] {2, 4}).requiresGrad(true);
        Tensor fastHead = Tensor.of(new double[] {0}).requiresGrad(true);
        AdamW opt = AdamW.withGroups(List.of(
                new ParamGroup(List.of(decayed), 1, 0.5),
                new ParamGroup(List.of(notDecayed), 1, 0),
                new ParamGroup(List.of(fastHead), 10, 0)), 0.01, B1, B2, EPS);
        // A zero gradient makes the Adam term 0, leaving only the decay p *= 1 - lr*wd.
        decayed.setGrad(Tensor.of(new double[] {0, 0}));
        notDecayed.setGrad(Tensor.of(new double[] {0, 0}));
        fastHead.setGrad(Tensor.of(new double[] {-3}));

        opt.step();

        assertArrayEquals(new double[] {2 * 0.995, 4 * 0.995}, decayed.toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {2, 4}, notDecayed.toDoubleArray(), 0);
        assertEquals(0.1, fastHead.item(), 1e-8, "lr 0.01 scaled by 10");
    }

    @Test
    void decayMatricesOnlyExemptsBiasesAndNormScales() {
        Tensor weight = Tensor.zeros(2, 2), bias = Tensor.zeros(2);
        List<ParamGroup> groups = ParamGroup.decayMatricesOnly(List.of(weight, bias), 0.01);
        assertEquals(List.of(weight), groups.get(0).params());
        assertEquals(0.01, groups.get(0).weightDecay());
        assertEquals(List.of(bias), groups.get(1).params());
        assertEquals(0, groups.get(1).weightDecay());
    }

    @Test
    void parametersWithoutGradientAreSkippedAndKeepTheirOwnStepCount() {
        Tensor a = Tensor.of(new double[] {1}).requiresGrad(true);
        Tensor late = Tensor.of(new double[] {1}).requiresGrad(true);
        AdamW opt = new AdamW(List.of(a, late), 0.1, B1, B2, EPS, 0.5);
        a.setGrad(Tensor.of(new double[] {1}));

        opt.step();
        assertEquals(1.0, late.item(), 0, "no gradient: no update, not even weight decay");

        late.setGrad(Tensor.of(new double[] {1}));
        opt.step();
        // late's first update uses bias correction for t = 1, as torch does per parameter.
        Reference ref = new Reference(new double[] {1});
        ref.step(new double[] {1}, 0.1, 0.5);
        assertEquals(ref.p[0], late.item(), 1e-15);
        assertEquals(2, opt.stepCount());
    }

    @Test
    void zeroGradDropsTheGradients() {
        Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        w.mul(w).sum().backward();
        AdamW opt = new AdamW(List.of(w), 1e-3, B1, B2, EPS, 0);
        opt.zeroGrad();
        assertNull(w.grad());
    }

    @Test
    void trainingLoopOnAQuadraticConverges() {
        // minimise sum((w - target)^2) through autograd, the way a trainer uses the optimizer
        Tensor target = Tensor.of(new float[] {3, -2});
        Tensor w = Tensor.zeros(2).requiresGrad(true);
        AdamW opt = new AdamW(List.of(w), 0.1, B1, B2, EPS, 0);
        for (int i = 0; i < 300; i++) {
            opt.zeroGrad();
            w.sub(target).pow(2).sum().backward();
            opt.step();
        }
        assertArrayEquals(new float[] {3, -2}, w.toFloatArray(), 1e-2f);
    }
}
