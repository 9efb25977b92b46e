package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Device;
import jtrain.engine.MemoryScope;
import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.optim.AdamW;
import jtrain.engine.optim.GradClip;
import jtrain.engine.optim.LrSchedule;
import jtrain.engine.optim.ParamGroup;
import jtrain.training.pretrain.DataOrder;
import jtrain.training.run.MetricsLog;
import jtrain.training.run.Progress;
import jtrain.transformer.BertModel;
import jtrain.transformer.BertTask;

/**
 * Supervised fine-tuning of a sequence or token classifier: shuffled mini-batches, AdamW with warm-up and linear
 * decay, gradient accumulation and clipping, optional frozen layers, a separate head learning rate and an auxiliary
 * MLM loss; dev evaluation every N steps with early stopping. When training ends the model holds the weights of its
 * best dev evaluation. All that changes from step to step lives in a {@link FineTuneState}, so a run can be
 * checkpointed and resumed exactly (see {@link jtrain.training.run.FineTuneRun}).
 */
public final class FineTuner {
    private final BertTask model;
    private final TaskKind kind;
    private final LabelVocab labels;
    private final int padId;
    private final FineTuneOptions o;
    private final List<String> frozen;
    private AuxMlm aux;

    /** One dev evaluation of the run. */
    public record DevPoint(int step, EvalResult result) {}

    /**
     * What a run did: how far it went, and the best dev evaluation (whose weights the model holds once the run has
     * finished). A resumed run's evaluations before the checkpoint carry their scores, not per-item predictions.
     */
    public record Result(int stepsRun, int plannedSteps, boolean stoppedEarly, int bestStep, EvalResult bestDev, List<DevPoint> history) {
        /** The run has ended (all planned steps or an early stop), rather than paused at a --stop-after step. */
        public boolean finished() {
            return stoppedEarly || stepsRun >= plannedSteps;
        }
    }

    /** Applies the freezing options to the model right away. */
    public FineTuner(BertTask model, TaskKind kind, LabelVocab labels, int padId, FineTuneOptions options) {
        options.validate();
        this.model = model;
        this.kind = kind;
        this.labels = labels;
        this.padId = padId;
        this.o = options;
        this.frozen = Freezing.apply(model, options.freezeEmbeddings, options.freezeLayers);
    }

    /** Adds the auxiliary MLM loss (its head must sit on this model's encoder). */
    public FineTuner withAuxMlm(AuxMlm aux) {
        if (aux.model().bert != model.bert) throw new IllegalArgumentException("the auxiliary MLM head must share the task model's encoder");
        this.aux = aux;
        return this;
    }

    public BertTask model() {
        return model;
    }

    /** The encoder being fine-tuned, e.g. to measure its masked-LM loss before and after (see {@link MlmProbe}). */
    public BertModel encoder() {
        return model.bert;
    }

    public List<String> frozenParameters() {
        return frozen;
    }

    public EvalResult evaluate(List<TaskExample> examples) {
        return TaskEvaluator.evaluate(model, kind, examples, labels.size(), Math.max(o.batchSize, 32), padId);
    }

    /** Optimizer groups: encoder (and aux MLM head) at the base rate, classifier and pooler at lr × headLrScale. */
    List<ParamGroup> parameterGroups() {
        List<Tensor> body = new ArrayList<>(), head = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            if (!e.getValue().requiresGrad()) continue;
            boolean isHead = e.getKey().startsWith("classifier.") || e.getKey().startsWith("bert.pooler.");
            (isHead ? head : body).add(e.getValue());
        }
        if (aux != null) body.addAll(aux.headParameters());
        List<ParamGroup> groups = new ArrayList<>(ParamGroup.decayMatricesOnly(body, o.weightDecay));
        for (ParamGroup g : ParamGroup.decayMatricesOnly(head, o.weightDecay))
            groups.add(new ParamGroup(g.params(), o.headLrScale, g.weightDecay()));
        return groups;
    }

    public int stepsPerEpoch(int trainSize) {
        return stepsPerEpoch(trainSize, o);
    }

    /** Optimizer steps per pass over trainSize examples with o's batch size and accumulation (at least 1). */
    public static int stepsPerEpoch(int trainSize, FineTuneOptions o) {
        return Math.max(1, (int) Math.ceil((double) trainSize / ((long) o.batchSize * o.gradAccum)));
    }

    /** The learning rate per step of a run of total steps: linear warm-up, then linear decay to 0 at the last step. */
    public LrSchedule schedule(int total) {
        return LrSchedule.linear(o.lr, Math.round(o.warmupFraction * (o.warmupOfSteps > 0 ? o.warmupOfSteps : total)), total);
    }

    /** The optimizer steps of a run on trainSize examples: --steps, else epochs of batchSize × gradAccum examples. */
    public int plannedSteps(int trainSize) {
        return plannedSteps(o.steps, o.epochs, stepsPerEpoch(trainSize));
    }

    /** The steps a run plans: steps when above 0 (it wins over epochs), else epochs passes of stepsPerEpoch. */
    public static int plannedSteps(int steps, int epochs, int stepsPerEpoch) {
        return steps > 0 ? steps : Math.multiplyExact(epochs, stepsPerEpoch);
    }

    /** Trains from scratch without checkpoints; the model ends with the weights of the best dev evaluation. */
    public Result train(List<TaskExample> train, List<TaskExample> dev, MetricsLog metrics, Progress progress) {
        return train(newState(train, dev), train, dev, metrics, progress, s -> {}, Integer.MAX_VALUE);
    }

    /** Called after every optimizer step (after its metrics and dev evaluation), e.g. to save a checkpoint. */
    @FunctionalInterface
    public interface StepHook {
        void afterStep(FineTuneState state);
    }

    /** Dev examples are not optional (null is not "none"): they pick the best step and stop early. */
    private static void requireDev(List<TaskExample> dev) {
        if (dev == null || dev.isEmpty()) throw new IllegalArgumentException("no dev examples (needed for evaluation and early stopping)");
    }

    /**
     * The state of a run that has not started: AdamW over the trainable parameters (and the auxiliary MLM head), the
     * training examples' first shuffle drawn from Rng(seed + 2).
     */
    public FineTuneState newState(List<TaskExample> train, List<TaskExample> dev) {
        if (train == null || train.isEmpty()) throw new IllegalArgumentException("no training examples");
        requireDev(dev);
        List<ParamGroup> groups = parameterGroups();
        if (groups.isEmpty()) throw new IllegalArgumentException("every parameter is frozen: nothing to train");
        AdamW opt = AdamW.withGroups(groups, o.lr, 0.9, 0.999, 1e-8);
        Rng rng = new Rng(o.seed + 2);
        return new FineTuneState(model, TaskEvaluator.problemOf(model, kind), opt, rng, new DataOrder(train.size(), rng), aux,
                FineTuneState.fingerprint(train, dev));
    }

    /**
     * Trains from the state's step up to step stopAfter, the planned last step or an early stop, calling hook after
     * every step. When the run has ended (not when stopAfter cut it short) the model is left holding the weights of
     * the best dev evaluation and in eval mode; see {@link Result#finished}.
     */
    public Result train(FineTuneState s, List<TaskExample> train, List<TaskExample> dev, MetricsLog metrics, Progress progress,
                        StepHook hook, int stopAfter) {
        requireDev(dev);
        int perEpoch = stepsPerEpoch(train.size());
        int total = plannedSteps(train.size());
        int evalEvery = o.evalEvery > 0 ? o.evalEvery : perEpoch;
        Device device = s.optimizer.params().getFirst().device();
        LrSchedule schedule = schedule(total);
        model.train(true);
        if (aux != null) aux.model().train(true);

        int firstStep = s.step + 1, lastStep = Math.min(total, stopAfter);
        long start = System.nanoTime();
        while (s.step < lastStep && !s.stopped) {
            int step = s.step + 1;
            Tensor gradNorm = null;
            // The step's device memory goes back when it ends, not when the collector runs (see MemoryScope). Its
            // losses and gradient norm are read (waiting for the GPU) only for the metrics line.
            try (var mem = MemoryScope.open(device)) {
                schedule.apply(s.optimizer);
                for (int micro = 0; micro < o.gradAccum; micro++) {
                    List<TaskExample> batch = new ArrayList<>(o.batchSize);
                    for (int i = 0; i < o.batchSize && i < train.size(); i++) batch.add(train.get(s.order.next()));
                    TaskBatch b = TaskBatch.of(batch, kind, padId);
                    try (var microScope = MemoryScope.open(device)) { // this micro-batch's activations go back at its end
                        Tensor taskLoss = model.loss(model.logits(b.inputIds(), b.typeIds(), b.attentionMask()), b.labels());
                        Tensor loss = taskLoss, mlm = null;
                        if (aux != null && aux.weight() > 0) {
                            mlm = mem.keep(microScope.keep(aux.nextLoss()));
                            loss = loss.add(mlm.mul(aux.weight()));
                        }
                        if (o.gradAccum > 1) loss = loss.mul(1.0 / o.gradAccum);
                        loss.backward();
                        s.window.add(step, mem.keep(microScope.keep(taskLoss)), mlm);
                    }
                }
                if (o.clipNorm > 0) gradNorm = mem.keep(GradClip.clipGradNormOnDevice(s.optimizer.params(), o.clipNorm));
                s.optimizer.step();
                s.optimizer.zeroGrad();
            }
            s.step = step;

            double seconds = (System.nanoTime() - start) / 1e9;
            if (step % o.logEvery == 0 || step == total) {
                LossWindow window = s.window;
                window.settle();
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("step", step);
                rec.put("epoch", (double) step / perEpoch);
                rec.put("loss", window.taskSum / window.count);
                if (aux != null && aux.weight() > 0) rec.put("mlm_loss", window.mlmSum / window.count);
                rec.put("lr", schedule.lr(step - 1));
                rec.put("grad_norm", gradNorm == null ? Double.NaN : gradNorm.item());
                rec.put("seconds", seconds);
                if (metrics != null) metrics.write(rec);
                progress.update(String.format("step %d/%d  epoch %.2f  loss %.4f  lr %.2e  ETA %s", step, total,
                        (double) step / perEpoch, window.taskSum / window.count, schedule.lr(step - 1),
                        Progress.duration(seconds / (step - firstStep + 1) * (total - step))), step == total);
                window.reset();
            }
            if (step % evalEvery == 0 || step == total) {
                s.window.settle(); // a non-finite loss stops the run before its weights are evaluated or kept as best
                evaluateDev(s, dev, total, metrics, progress);
            }
            hook.afterStep(s);
        }
        s.window.settle();
        progress.done();
        Result r = new Result(s.step, total, s.stopped, s.bestStep, s.bestDev, List.copyOf(s.history));
        if (r.finished()) {
            s.best.restoreInto(model);
            model.train(false);
        }
        return r;
    }

    /** A dev evaluation at the state's step: keeps the weights when they are the best so far, and decides on an early stop. */
    private void evaluateDev(FineTuneState s, List<TaskExample> dev, int total, MetricsLog metrics, Progress progress) {
        int step = s.step;
        EvalResult r = evaluate(dev);
        if (r.scored() > 0 && !Double.isFinite(r.loss())) { // weights that overflowed while the training losses still looked finite
            throw new ArithmeticException("dev loss became " + r.loss() + " at step " + step + ": the weights have diverged; lower the learning rate");
        }
        s.history.add(new DevPoint(step, r));
        boolean improved = s.bestDev == null || r.score(o.metric) > s.bestDev.score(o.metric);
        if (improved) {
            s.bestDev = r;
            s.bestStep = step;
            s.sinceBest = 0;
            s.best = new WeightSnapshot(model);
        } else {
            s.sinceBest++;
        }
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        rec.putAll(r.toMap("dev"));
        rec.put("best_step", s.bestStep);
        if (metrics != null) metrics.write(rec);
        progress.println(String.format("step %d: dev %s%s", step, r.describe(), improved ? "  (best so far)" : ""));
        if (o.patience > 0 && s.sinceBest >= o.patience && step < total) {
            s.stopped = true;
            progress.println("early stop: no dev improvement in " + o.patience + " evaluations; keeping step " + s.bestStep);
        }
    }
}
