package jtrain.cuda;

import java.util.ArrayList;
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
 * gradient within 1e-3 relative (in norm, the norm floored at 1e-6).
 */
public final class BertCheck {
    private BertCheck() {}

    static final double LOSS_RTOL = 1e-4, GRAD_RTOL = 1e-3;

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
            double worst = 0;
            String worstName = "";
            long elements = 0;
            for (var e : pc.entrySet()) {
                float[] gc = e.getValue().grad().toFloatArray(), gg = pg.get(e.getKey()).grad().toFloatArray();
                double diff = 0, norm = 0;
                for (int i = 0; i < gc.length; i++) {
                    diff += (gg[i] - gc[i]) * (double) (gg[i] - gc[i]);
                    norm += gc[i] * (double) gc[i];
                }
                elements += gc.length;
                // The floor matters for the attention key bias, whose exact gradient is zero (softmax ignores a
                // constant added to a whole row): both sides hold rounding noise only, of about 1e-10.
                double rel = Math.sqrt(diff) / Math.max(1e-6, Math.sqrt(norm)) / GRAD_RTOL;
                if (rel > worst) {
                    worst = rel;
                    worstName = e.getKey();
                }
            }
            out.add(new OpChecks.Result(model + " MLM gradients of all " + pc.size() + " parameters", elements, worst, worst <= 1,
                    "worst: " + worstName));
        } catch (RuntimeException e) {
            out.add(new OpChecks.Result(model + " MLM forward/backward", 0, Double.NaN, false, e.toString()));
        }
        return out;
    }

    private static Tensor step(BertForMaskedLM model, int[] ids, int[] labels, int[] mask, int b, int t, Device device) {
        model.train(true);
        Tensor loss = model.sparseLoss(Tensor.ofInts(ids, b, t).to(device), null, Tensor.ofInts(mask, b, t).to(device),
                Tensor.ofInts(labels, b, t).to(device));
        loss.backward();
        return loss;
    }
}
