package jtrain.training.pretrain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Device;
import jtrain.engine.Flops;
import jtrain.engine.MemoryScope;
import jtrain.engine.Phase;
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
 * accumulation and global-norm clipping, periodic held-out evaluation, one metrics line per log/eval step. All that
 * changes from step to step lives in a {@link TrainingState}, so a run can be checkpointed and resumed exactly.
 */
public final class Pretrainer {

    /**
     * @param batchSize   sequences per optimizer micro-batch
     * @param gradAccum   micro-batches accumulated per optimizer step
     * @param steps       optimizer steps
     * @param lr          peak learning rate
     * @param warmupSteps linear warm-up steps
     * @param schedule    "linear", "cosine" or "constant" (no decay) after the warm-up
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

    /** Called after every optimizer step (after its metrics and evaluation), e.g. to save a checkpoint. */
    @FunctionalInterface
    public interface StepHook {
        void afterStep(TrainingState state);
    }

    /** Trains from scratch without checkpoints (so the state need not hold the model's dropout rng). */
    public Summary train(List<int[]> train, MlmEvaluator evaluator, MetricsLog metrics, Progress progress) {
        return train(newState(train, new Rng(0)), train, evaluator, metrics, progress, s -> {}, o.steps());
    }

    /**
     * The state of a run that has not started: AdamW over the model's parameters, the data rng seeded from the
     * options. dropoutRng must be the generator the model was built with, so that a checkpoint captures it.
     */
    public TrainingState newState(List<int[]> train, Rng dropoutRng) {
        AdamW opt = AdamW.withGroups(ParamGroup.decayMatricesOnly(model.parameters(), o.weightDecay()), o.lr(), 0.9, 0.999, 1e-8);
        Rng rng = new Rng(o.seed());
        return new TrainingState(opt, rng, dropoutRng, new DataOrder(train.size(), rng), DataOrder.fingerprint(train));
    }

    /**
     * The learning rate per step: linear warm-up over warmupSteps, then the chosen decay. Every schedule follows the
     * warm-up, "constant" included (HF's constant_with_warmup; --warmup 0 gives a plain constant rate).
     */
    public static LrSchedule schedule(Options o) {
        String kind = o.schedule().equals("constant") ? "constant_with_warmup" : o.schedule();
        return LrSchedule.of(kind, o.lr(), o.warmupSteps(), o.steps(), 0);
    }

    /** Trains from the state's step up to step stopAfter (or the last step), calling hook after every step. */
    public Summary train(TrainingState s, List<int[]> train, MlmEvaluator evaluator, MetricsLog metrics, Progress progress,
                         StepHook hook, int stopAfter) {
        if (train.isEmpty()) throw new IllegalArgumentException("no training sequences");
        model.train(true);
        LrSchedule schedule = schedule(o);
        long flopsAtStart = s.flops, flops0 = Flops.total(), start = System.nanoTime(), tokensAtStart = s.tokens;
        int firstStep = s.step + 1, lastStep = Math.min(o.steps(), stopAfter);
        List<double[]> curve = new ArrayList<>();
        MlmEvaluator.Result last = null;
        while (s.step < lastStep) {
            int step = s.step + 1;
            Tensor gradNorm = null;
            // The step's device memory goes back when it ends, each micro-batch's activations when that micro-batch
            // ends, not when the collector runs (see MemoryScope). The loss and gradient norm are read (waiting for
            // the GPU) only for the metrics line or a checkpoint, so they are kept.
            Device device = s.optimizer.params().getFirst().device();
            try (var mem = MemoryScope.open(device)) {
                schedule.apply(s.optimizer);
                for (int micro = 0; micro < o.gradAccum(); micro++) {
                    List<int[]> seqs = new ArrayList<>(o.batchSize());
                    for (int i = 0; i < o.batchSize(); i++) seqs.add(train.get(s.order.next()));
                    MlmBatch b = MlmBatch.of(seqs, vocab, o.masking(), s.dataRng);
                    try (var microScope = MemoryScope.open(device)) {
                        Tensor loss = model.sparseLoss(b.inputIds(), null, b.attentionMask(), b.labels());
                        if (o.gradAccum() > 1) loss = loss.mul(1.0 / o.gradAccum());
                        s.addLoss(step, mem.keep(microScope.keep(loss)), o.gradAccum());
                        loss.backward();
                    }
                    s.tokens += b.tokens();
                }
                if (o.clipNorm() > 0) {
                    gradNorm = mem.keep(GradClip.clipGradNormOnDevice(s.optimizer.params(), o.clipNorm()));
                    s.addGradNorm(step, gradNorm);
                }
                s.optimizer.step();
                s.optimizer.zeroGrad();
            }
            s.step = step;
            s.flops = flopsAtStart + Flops.total() - flops0;

            double seconds = (System.nanoTime() - start) / 1e9;
            if (step % o.logEvery() == 0 || step == o.steps()) {
                s.settle();
                curve.add(logStep(s, schedule.lr(step - 1), gradNorm == null ? Double.NaN : gradNorm.item(), seconds, metrics));
                double tps = (s.tokens - tokensAtStart) / Math.max(seconds, 1e-9);
                double eta = seconds / (step - firstStep + 1) * (o.steps() - step);
                progress.update(String.format("step %d/%d  loss %.4f  lr %.2e  %,.0f tokens/s  ETA %s", step, o.steps(),
                        curve.getLast()[1], schedule.lr(step - 1), tps, Progress.duration(eta)), step == o.steps());
            }
            if (evaluator != null && (step % o.evalEvery() == 0 || step == o.steps())) {
                s.settle(); // a non-finite loss stops the run before its weights are evaluated
                last = evaluate(evaluator, step, metrics, progress);
            }
            s.flops = flopsAtStart + Flops.total() - flops0; // now including the evaluation, as a resumed run will count it
            hook.afterStep(s);
        }
        s.settle(); // also when stopAfter ended the run between metrics lines
        progress.done();
        return new Summary(last, s.tokens - tokensAtStart, s.flops - flopsAtStart, (System.nanoTime() - start) / 1e9, curve);
    }

    /** Writes the metrics line of a log step and starts a new averaging window; returns {step, loss, tokens}. */
    private static double[] logStep(TrainingState s, double lr, double gradNorm, double seconds, MetricsLog metrics) {
        double avg = s.lossSinceLog / s.microSinceLog;
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", s.step);
        rec.put("loss", avg);
        rec.put("lr", lr);
        rec.put("grad_norm", gradNorm);
        rec.put("tokens", s.tokens);
        rec.put("flops", s.flops);
        rec.put("seconds", seconds);
        if (metrics != null) metrics.write(rec);
        s.lossSinceLog = 0;
        s.microSinceLog = 0;
        return new double[] {s.step, avg, s.tokens};
    }

    /** Evaluates on the held-out sequences and logs the result as the given step's (also used for step 0). */
    public MlmEvaluator.Result evaluate(MlmEvaluator evaluator, int step, MetricsLog metrics, Progress progress) {
        MlmEvaluator.Result r;
        try (var phase = Phase.enter("eval")) {
            r = evaluator.evaluate(model);
        }
        if (r.predicted() > 0 && !Double.isFinite(r.loss())) { // weights that overflowed while the training losses still looked finite
            throw new ArithmeticException("held-out MLM loss became " + r.loss() + " at step " + step
                    + ": the weights have diverged; lower the learning rate");
        }
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        rec.put("eval_loss", r.loss());
        rec.put("eval_perplexity", r.perplexity());
        rec.put("eval_accuracy", r.accuracy());
        rec.put("eval_predicted", r.predicted());
        if (metrics != null) metrics.write(rec);
        progress.println(String.format("step %d: held-out MLM loss %.4f, perplexity %.1f, masked-token accuracy %.1f%%",
                step, r.loss(), r.perplexity(), 100 * r.accuracy()));
        return r;
    }
}
