package jtrain.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;

/**
 * What each hidden_act costs in a training step: forward and backward of the activation on an FFN-shaped F32 tensor
 * (rows x cols), the fused ops (gelu, geluTanh, swish) against the same formulas composed of elementwise ops, as
 * Activation had them before the fused ops existed. The variants run interleaved in one JVM, their order rotating
 * each round, so that a shared machine's changing load falls on all of them alike; each time includes x * w summed
 * and its backward, which the identity variant measures alone and which is subtracted. Each fused form is first
 * checked against its composed one (value and gradient), so a fast wrong kernel cannot report a number.
 *
 * <p>Run: java --add-modules jdk.incubator.vector -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*"
 * jtrain.bench.ActivationCost [rows cols rounds], default 4096 512 40 (BERT-tiny's FFN at batch 32 x 128 tokens).
 */
public final class ActivationCost {
    private ActivationCost() {}

    private static final double C = Math.sqrt(2 / Math.PI);

    /** The composed formulas, the fused op of the same formula. */
    private static final Map<String, UnaryOperator<Tensor>> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("identity (baseline)", x -> x);
        VARIANTS.put("gelu (erf), fused", Tensor::gelu);
        VARIANTS.put("gelu_new, composed", x -> {
            Tensor cube = x.mul(x).mul(x);
            return x.mul(0.5).mul(x.add(cube.mul(0.044715)).mul(C).tanh().add(1));
        });
        VARIANTS.put("gelu_new, fused", x -> x.geluTanh(C));
        VARIANTS.put("quick_gelu, composed", x -> x.mul(x.mul(1.702).sigmoid()));
        VARIANTS.put("quick_gelu, fused", x -> x.swish(1.702));
        VARIANTS.put("silu, composed", x -> x.mul(x.sigmoid()));
        VARIANTS.put("silu, fused", x -> x.swish(1));
    }

    /** args[i] as a positive count, or dflt where it is not given; anything else ends the run with the usage line. */
    private static int positive(String[] args, int i, String name, int dflt) {
        if (args.length <= i) return dflt;
        try {
            int v = Integer.parseInt(args[i]);
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        usage(name + " must be a positive whole number, got '" + args[i] + "'");
        return dflt; // not reached
    }

    private static void usage(String problem) {
        System.err.println("ActivationCost: " + problem + "\nusage: ActivationCost [rows cols rounds] (default 4096 512 40)");
        System.exit(2);
    }

    public static void main(String[] args) {
        if (args.length > 3) usage("at most three arguments, got " + args.length);
        int rows = positive(args, 0, "rows", 4096), cols = positive(args, 1, "cols", 512);
        int rounds = positive(args, 2, "rounds", 40), warmup = 5;
        Tensor x0 = Tensor.randn(new Rng(1), rows, cols).mul(2), w = Tensor.randn(new Rng(2), rows, cols);
        for (String act : List.of("gelu_new", "quick_gelu", "silu")) {
            check(act, x0, w);
        }
        List<String> order = new ArrayList<>(VARIANTS.keySet());
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        for (String name : order) ms.put(name, new ArrayList<>());
        for (int round = 0; round < warmup + rounds; round++) {
            Collections.rotate(order, 1);
            for (String name : order) {
                long t0 = System.nanoTime();
                forwardBackward(VARIANTS.get(name), x0, w);
                if (round >= warmup) ms.get(name).add((System.nanoTime() - t0) / 1e6);
            }
        }
        double base = median(ms.get("identity (baseline)"));
        System.out.printf("%d x %d F32, %d rounds interleaved: ms per forward + backward of the activation alone (median of the%n"
                + "round times less the baseline's median; in brackets the fastest round less the baseline's fastest)%n", rows, cols, rounds);
        double baseMin = Collections.min(ms.get("identity (baseline)"));
        for (String name : VARIANTS.keySet()) {
            if (name.startsWith("identity")) continue;
            List<Double> t = ms.get(name);
            System.out.printf("  %-22s %8.2f  (%.2f)%n", name, median(t) - base, Collections.min(t) - baseMin);
        }
    }

    /** sum(f(x) * w), backward; returns the gradient of x. */
    private static Tensor[] forwardBackward(UnaryOperator<Tensor> f, Tensor x0, Tensor w) {
        Tensor x = x0.detach().requiresGrad(true);
        Tensor y = f.apply(x);
        y.mul(w).sum().backward();
        return new Tensor[] {y, x.grad()};
    }

    private static void check(String act, Tensor x0, Tensor w) {
        Tensor[] composed = forwardBackward(VARIANTS.get(act + ", composed"), x0, w), fused = forwardBackward(VARIANTS.get(act + ", fused"), x0, w);
        for (int k = 0; k < 2; k++) {
            float[] a = composed[k].toFloatArray(), b = fused[k].toFloatArray();
            for (int i = 0; i < a.length; i++) {
                if (!(Math.abs(a[i] - b[i]) <= 1e-5 * Math.max(1, Math.abs(a[i])))) {
                    throw new AssertionError(act + ": the fused " + (k == 0 ? "value" : "gradient") + " at element " + i + " is " + b[i]
                            + ", the composed one " + a[i]);
                }
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
