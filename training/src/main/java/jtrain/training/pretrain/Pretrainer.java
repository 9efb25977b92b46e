package jtrain.training.pretrain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Flops;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.optim.AdamW;
import jtrain.engine.optim.GradClip;
import jtrain.engine.optim.LrSchedule;
import jtrain.engine.optim.ParamGroup;
import jtrain.training.run.MetricsLog;
import jtrain.training.run.Progress;
import jtrain.transformer.BertForMaskedLM;

/**
 * Masked-LM pretraining: shuffled packed sequences, fresh masks every batch, AdamW with warm-up and decay, gradient
 * accumulation and global-norm clipping, periodic held-out evaluation, one metrics line per log/eval step.
 */
public final class Pretrainer {

    /**
     * @param batchSize   sequences per optimizer micro-batch
     * @param gradAccum   micro-batches accumulated per optimizer step
     * @param steps       optimizer steps
     * @param lr          peak learning rate
     * @param warmupSteps linear warm-up steps
     * @param schedule    "linear", "cosine" or "constant" decay after warm-up
     * @param weightDecay AdamW decoupled weight decay (not applied to biases and LayerNorm)
     * @param clipNorm    global gradient-norm clip (0 = off)
     * @param logEvery    steps between metrics lines
     * @param evalEvery   steps between held-out evaluations (and at the end)
     * @param seed        shuffling and masking seed
     */
    public record Options(int batchSize, int gradAccum, int steps, double lr, int warmupSteps, String schedule,
                          double weightDecay, double clipNorm, int logEvery, int evalEvery, long seed, MlmMasking masking) {}

    /** What a run measured: final held-out quality and compute. */
    public record Summary(MlmEvaluator.Result finalEval, long tokens, long flops, double seconds, List<double[]> lossCurve) {}

    private final BertForMaskedLM model;
    private final MlmBatch.Vocab vocab;
    private final Options o;

    public Pretrainer(BertForMaskedLM model, MlmBatch.Vocab vocab, Options options) {
        this.model = model;
        this.vocab = vocab;
        this.o = options;
    }

    public Summary train(List<int[]> train, MlmEvaluator evaluator, MetricsLog metrics, Progress progress) {
        if (train.isEmpty()) throw new IllegalArgumentException("no training sequences");
        model.train(true);
        AdamW opt = AdamW.withGroups(ParamGroup.decayMatricesOnly(model.parameters(), o.weightDecay()), o.lr(), 0.9, 0.999, 1e-8);
        LrSchedule schedule = LrSchedule.of(o.schedule(), o.lr(), o.warmupSteps(), o.steps(), 0);
        Rng rng = new Rng(o.seed());
        int[] order = shuffled(train.size(), rng);
        int cursor = 0;
        long tokens = 0, flops0 = Flops.total(), start = System.nanoTime();
        double lossSinceLog = 0;
        int microSinceLog = 0;
        List<double[]> curve = new ArrayList<>();
        MlmEvaluator.Result last = null;
        for (int step = 1; step <= o.steps(); step++) {
            schedule.apply(opt);
            for (int micro = 0; micro < o.gradAccum(); micro++) {
                List<int[]> seqs = new ArrayList<>(o.batchSize());
                for (int i = 0; i < o.batchSize(); i++) {
                    if (cursor == order.length) {
                        order = shuffled(train.size(), rng);
                        cursor = 0;
                    }
                    seqs.add(train.get(order[cursor++]));
                }
                MlmBatch b = MlmBatch.of(seqs, vocab, o.masking(), rng);
                Tensor loss = model.loss(model.logits(b.inputIds(), null, b.attentionMask()), b.labels());
                if (o.gradAccum() > 1) loss = loss.mul(1.0 / o.gradAccum());
                loss.backward();
                double value = loss.item() * o.gradAccum();
                if (!Double.isFinite(value)) {
                    throw new ArithmeticException("training loss became " + value + " at step " + step + "; lower the learning rate");
                }
                lossSinceLog += value;
                microSinceLog++;
                tokens += b.tokens();
            }
            double gradNorm = o.clipNorm() > 0 ? GradClip.clipGradNorm(opt.params(), o.clipNorm()) : Double.NaN;
            opt.step();
            opt.zeroGrad();

            double seconds = (System.nanoTime() - start) / 1e9;
            if (step % o.logEvery() == 0 || step == o.steps()) {
                double avg = lossSinceLog / microSinceLog;
                curve.add(new double[] {step, avg, tokens});
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("step", step);
                rec.put("loss", avg);
                rec.put("lr", schedule.lr(step - 1));
                rec.put("grad_norm", gradNorm);
                rec.put("tokens", tokens);
                rec.put("flops", Flops.total() - flops0);
                rec.put("seconds", seconds);
                if (metrics != null) metrics.write(rec);
                lossSinceLog = 0;
                microSinceLog = 0;
                double tps = tokens / Math.max(seconds, 1e-9);
                progress.update(String.format("step %d/%d  loss %.4f  lr %.2e  %,.0f tokens/s  ETA %s", step, o.steps(), avg,
                        schedule.lr(step - 1), tps, Progress.duration(seconds / step * (o.steps() - step))), step == o.steps());
            }
            if (evaluator != null && (step % o.evalEvery() == 0 || step == o.steps())) {
                last = evaluator.evaluate(model);
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("step", step);
                rec.put("eval_loss", last.loss());
                rec.put("eval_perplexity", last.perplexity());
                rec.put("eval_accuracy", last.accuracy());
                rec.put("eval_predicted", last.predicted());
                if (metrics != null) metrics.write(rec);
                progress.println(String.format("step %d: held-out MLM loss %.4f, perplexity %.1f, masked-token accuracy %.1f%%",
                        step, last.loss(), last.perplexity(), 100 * last.accuracy()));
            }
        }
        progress.done();
        return new Summary(last, tokens, Flops.total() - flops0, (System.nanoTime() - start) / 1e9, curve);
    }

    private static int[] shuffled(int n, Rng rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
