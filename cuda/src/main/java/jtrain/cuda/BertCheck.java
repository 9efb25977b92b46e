package jtrain.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Device;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;

/**
 * Masked-LM forward and backward on the GPU and on the CPU backend from identical weights and seeds, for two
 * models: 2 layers of BERT-base width (hidden 768, 12 heads, vocabulary 30522, batch 2 x 128 tokens with padding,
 * dropout on), and an odd-sized one (3 layers, hidden 36, 3 heads of 12, FFN 100, vocabulary 997, batch 3 x 21), so
 * that no size that happens to divide a block or warp hides an edge case. Dropout masks are bit-identical across
 * backends, so the loss and every parameter gradient must agree to float rounding: loss within 1e-4 relative, each
 * gradient within 1e-3 relative (in norm, the norm floored at 1e-4 of the largest gradient norm of the model).
 */
public final class BertCheck {
    private BertCheck() {}

    static final double LOSS_RTOL = 1e-4, GRAD_RTOL = 1e-3, NORM_FLOOR = 1e-4;

    public static List<OpChecks.Result> run(CudaBackend cuda) {
        List<OpChecks.Result> out = new ArrayList<>(run(cuda, BertConfig.of(30522, 2, 768, 12, 3072), 2, 128));
        out.addAll(oddSized(cuda));
        return out;
    }

    /** The odd-sized model alone (small enough for the emulator). */
    static List<OpChecks.Result> oddSized(CudaBackend cuda) {
        return run(cuda, BertConfig.of(997, 3, 36, 3, 100), 3, 21);
    }

    /** The same check for another model size and batch (b sequences of t tokens, all but the first padded in their last quarter). */
    static List<OpChecks.Result> run(CudaBackend cuda, BertConfig config, int b, int t) {
        List<OpChecks.Result> out = new ArrayList<>();
        String model = "BERT " + config.numHiddenLayers() + "x" + config.hiddenSize();
        try {
            Rng rng = new Rng(7);
            int[] ids = new int[b * t], labels = new int[b * t], mask = new int[b * t];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = 5 + rng.nextInt(config.vocabSize() - 5);
                labels[i] = rng.nextDouble() < 0.15 ? ids[i] : -100;
                mask[i] = i >= t && i % t >= t - t / 4 ? 0 : 1; // every sequence after the first is padded in its last quarter
            }
            BertForMaskedLM cpu = new BertForMaskedLM(config, new Rng(1), new Rng(2));
            BertForMaskedLM gpu = new BertForMaskedLM(config, new Rng(1), new Rng(2));
            gpu.to(cuda.device());
            Tensor cpuLoss = step(cpu, ids, labels, mask, b, t, Device.CPU);
            Tensor gpuLoss = step(gpu, ids, labels, mask, b, t, cuda.device());
            double lc = cpuLoss.item(), lg = gpuLoss.item();
            double lossErr = Math.abs(lg - lc) / Math.max(1e-12, Math.abs(lc)) / LOSS_RTOL;
            out.add(new OpChecks.Result(String.format("%s MLM loss (cpu %.6f, cuda %.6f)", model, lc, lg), 1, lossErr, lossErr <= 1, ""));
            Map<String, Tensor> pc = cpu.namedParameters(), pg = gpu.namedParameters();
            Map<String, double[]> diffAndNorm = new LinkedHashMap<>();
            double largestNorm = 0;
            long elements = 0;
            for (var e : pc.entrySet()) {
                float[] gc = e.getValue().grad().toFloatArray(), gg = pg.get(e.getKey()).grad().toFloatArray();
                double diff = 0, norm = 0;
                for (int i = 0; i < gc.length; i++) {
                    diff += (gg[i] - gc[i]) * (double) (gg[i] - gc[i]);
                    norm += gc[i] * (double) gc[i];
                }
                elements += gc.length;
                diffAndNorm.put(e.getKey(), new double[] {Math.sqrt(diff), Math.sqrt(norm)});
                largestNorm = Math.max(largestNorm, Math.sqrt(norm));
            }
            Worst worst = worst(diffAndNorm, largestNorm);
            out.add(new OpChecks.Result(model + " MLM gradients of all " + pc.size() + " parameters", elements, worst.error(), worst.error() <= 1,
                    String.format("worst: %s; largest gradient norm %.3g", worst.name(), largestNorm)));
        } catch (RuntimeException e) {
            out.add(new OpChecks.Result(model + " MLM forward/backward", 0, Double.NaN, false, e.toString()));
        }
        return out;
    }

    /** The parameter with the largest error over tolerance, and that error. */
    record Worst(String name, double error) {}

    /**
     * Each parameter's gradient error (the norm of the difference over the norm of the CPU gradient, over GRAD_RTOL),
     * with each norm floored at NORM_FLOOR of the model's largest gradient norm. The floor matters for the attention
     * key bias, whose exact gradient is zero (softmax ignores a constant added to a whole row): both sides then hold
     * only the rounding noise of sums that cancel, whose size follows the other gradients' (1.3e-9 at 2 x 768 on the
     * emulator, against a largest norm of 5.5), not a fixed number.
     */
    static Worst worst(Map<String, double[]> diffAndNorm, double largestNorm) {
        double floor = Math.max(1e-12, NORM_FLOOR * largestNorm);
        Worst worst = new Worst("", 0);
        for (var e : diffAndNorm.entrySet()) {
            double error = e.getValue()[0] / Math.max(floor, e.getValue()[1]) / GRAD_RTOL;
            if (error > worst.error()) worst = new Worst(e.getKey(), error);
        }
        return worst;
    }

    private static Tensor step(BertForMaskedLM model, int[] ids, int[] labels, int[] mask, int b, int t, Device device) {
        model.train(true);
        Tensor loss = model.sparseLoss(Tensor.ofInts(ids, b, t).to(device), null, Tensor.ofInts(mask, b, t).to(device),
                Tensor.ofInts(labels, b, t).to(device));
        loss.backward();
        return loss;
    }
}
