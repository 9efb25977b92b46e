package jtrain.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jtrain.engine.Device;
import jtrain.engine.Tensor;
import jtrain.engine.io.Json;
import jtrain.engine.io.Safetensors;
import jtrain.engine.optim.AdamW;
import jtrain.engine.optim.GradClip;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.BertModel;
import jtrain.transformer.HfCheckpoint;

/**
 * The HuggingFace golden batch (../shared/golden/hf-bert-tiny/random-init) with the whole masked-LM model on the
 * CUDA backend: hidden states, logits, loss, every gradient, then five steps of gradient clipping and AdamW, the
 * losses, norms and parameters after them. Tolerances are the golden README's: relative L2 1e-4 for outputs, losses
 * and parameters, 1e-3 for gradients (norms floored at 1e-6, for tensors that are zero in exact arithmetic).
 */
public final class GoldenCheck {
    private GoldenCheck() {}

    static final double OUT_TOL = 1e-4, GRAD_TOL = 1e-3;

    /** One result per group of tensors (its worst relative error in units of the tolerance). */
    public static List<OpChecks.Result> run(CudaBackend cuda, Path dir) {
        List<OpChecks.Result> out = new ArrayList<>();
        try {
            Map<String, Tensor> golden = Safetensors.read(dir.resolve("golden.safetensors"));
            Device gpu = cuda.device();
            BertForMaskedLM model = HfCheckpoint.loadMaskedLM(dir);
            model.to(gpu);
            model.train(true); // dropout is 0 in this config, as in the reference run
            Tensor ids = get(golden, "input_ids").to(gpu), types = get(golden, "token_type_ids").to(gpu);
            Tensor mask = get(golden, "attention_mask").to(gpu), labels = get(golden, "labels").to(gpu);

            Group hidden = new Group("golden: hidden states", OUT_TOL);
            BertModel.Output o = model.bert.forward(ids, types, mask, true);
            for (int i = 0; i < o.hiddenStates().size(); i++) hidden.add("layer " + i, o.hiddenStates().get(i), get(golden, "mlm.hidden_states." + i));
            out.add(hidden.result());
            Tensor logits = model.predict(o.lastHidden());
            Tensor loss = model.loss(logits, labels);
            out.add(new Group("golden: logits", OUT_TOL).add("logits", logits, get(golden, "mlm.logits")).result());
            out.add(new Group("golden: loss", OUT_TOL).add("loss", loss.reshape(1), get(golden, "mlm.loss")).result());
            loss.backward();
            Group grads = new Group("golden: gradients of every parameter", GRAD_TOL);
            for (var p : model.namedParameters().entrySet()) grads.add(p.getKey(), p.getValue().grad(), get(golden, "mlm.grad." + p.getKey()));
            out.add(grads.result());

            @SuppressWarnings("unchecked")
            List<List<Number>> expected = (List<List<Number>>) Json.parseObject(Files.readString(dir.resolve("golden.json")), "golden.json")
                    .get("adamw_losses_and_gradnorms");
            List<Tensor> params = model.parameters();
            AdamW opt = new AdamW(params, 1e-3, 0.9, 0.999, 1e-8, 0.01);
            opt.zeroGrad();
            double worstStep = 0;
            String worstWhat = "";
            for (int step = 0; step < 5; step++) {
                Tensor l = model.loss(model.logits(ids, types, mask), labels);
                l.backward();
                double norm = GradClip.clipGradNorm(params, 1.0);
                opt.step();
                opt.zeroGrad();
                double lossErr = relative(l.item(), expected.get(step).get(0).doubleValue()) / OUT_TOL;
                double normErr = relative(norm, expected.get(step).get(1).doubleValue()) / GRAD_TOL;
                if (Math.max(lossErr, normErr) > worstStep) {
                    worstStep = Math.max(lossErr, normErr);
                    worstWhat = "step " + (step + 1) + (lossErr >= normErr ? " loss" : " gradient norm");
                }
            }
            out.add(new OpChecks.Result("golden: 5 AdamW steps, losses and gradient norms", 10, worstStep, worstStep <= 1, "worst: " + worstWhat));
            Group after = new Group("golden: parameters after 5 AdamW steps", OUT_TOL);
            for (var p : model.namedParameters().entrySet()) {
                // The key bias's exact gradient is zero, so AdamW moves it by rounding noise alone (as in PyTorch).
                if (!p.getKey().endsWith("attention.self.key.bias")) after.add(p.getKey(), p.getValue(), get(golden, "mlm.after5." + p.getKey()));
            }
            out.add(after.result());
        } catch (Exception e) {
            out.add(new OpChecks.Result("golden batch on the GPU", 0, Double.NaN, false, e.toString()));
        }
        return out;
    }

    private static Tensor get(Map<String, Tensor> golden, String name) {
        Tensor t = golden.get(name);
        if (t == null) throw new IllegalArgumentException("golden tensor missing: " + name);
        return t;
    }

    private static double relative(double actual, double expected) {
        return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
    }

    /** The worst relative L2 error over several tensors. */
    private static final class Group {
        final String name;
        final double tol;
        double worst;
        long elements;
        String worstName = "";

        Group(String name, double tol) {
            this.name = name;
            this.tol = tol;
        }

        Group add(String what, Tensor actual, Tensor expected) {
            float[] a = actual.contiguous().toFloatArray(), b = expected.toFloatArray();
            if (a.length != b.length) throw new IllegalArgumentException(what + ": " + a.length + " elements, golden " + b.length);
            double num = 0, den = 0;
            for (int i = 0; i < a.length; i++) {
                double d = a[i] - b[i];
                num += d * d;
                den += (double) b[i] * b[i];
            }
            double err = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-6) / tol;
            elements += a.length;
            if (err > worst || worstName.isEmpty()) {
                worst = Math.max(worst, err);
                worstName = what;
            }
            return this;
        }

        OpChecks.Result result() {
            return new OpChecks.Result(name, elements, worst, worst <= 1, "worst: " + worstName);
        }
    }
}
