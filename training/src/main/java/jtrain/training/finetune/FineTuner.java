package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Rng;
import jtrain.engine.Device;
import jtrain.engine.MemoryScope;
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
 * best dev evaluation.
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

    /** What a run did: how far it went, and the best dev evaluation (whose weights the model now holds). */
    public record Result(int stepsRun, int plannedSteps, boolean stoppedEarly, int bestStep, EvalResult bestDev, List<DevPoint> history) {}

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
        return Math.max(1, (int) Math.ceil((double) trainSize / ((long) o.batchSize * o.gradAccum)));
    }

    public Result train(List<TaskExample> train, List<TaskExample> dev, MetricsLog metrics, Progress progress) {
        if (train.isEmpty()) throw new IllegalArgumentException("no training examples");
        if (dev.isEmpty()) throw new IllegalArgumentException("no dev examples (needed for evaluation and early stopping)");
        int perEpoch = stepsPerEpoch(train.size());
        int total = o.steps > 0 ? o.steps : o.epochs * perEpoch;
        int evalEvery = o.evalEvery > 0 ? o.evalEvery : perEpoch;
        List<ParamGroup> groups = parameterGroups();
        if (groups.isEmpty()) throw new IllegalArgumentException("every parameter is frozen: nothing to train");
        AdamW opt = AdamW.withGroups(groups, o.lr, 0.9, 0.999, 1e-8);
        Device device = opt.params().getFirst().device();
        LrSchedule schedule = LrSchedule.linear(o.lr, Math.round(o.warmupFraction * total), total);
        Rng rng = new Rng(o.seed + 2);
        int[] order = DataOrder.permutation(train.size(), rng);
        int cursor = 0;
        model.train(true);
        if (aux != null) aux.model().train(true);

        List<DevPoint> history = new ArrayList<>();
        WeightSnapshot best = null;
        EvalResult bestDev = null;
        int bestStep = 0, sinceBest = 0, step = 0;
        boolean stopped = false;
        LossWindow window = new LossWindow();
        long start = System.nanoTime();
        while (step < total && !stopped) {
            step++;
            Tensor gradNorm = null;
            // The step's device memory goes back when it ends, not when the collector runs (see MemoryScope). Its
            // losses and gradient norm are read (waiting for the GPU) only for the metrics line.
            try (var mem = MemoryScope.open(device)) {
                schedule.apply(opt);
                for (int micro = 0; micro < o.gradAccum; micro++) {
                    List<TaskExample> batch = new ArrayList<>(o.batchSize);
                    for (int i = 0; i < o.batchSize && i < train.size(); i++) {
                        if (cursor == order.length) {
                            order = DataOrder.permutation(train.size(), rng);
                            cursor = 0;
                        }
                        batch.add(train.get(order[cursor++]));
                    }
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
                        window.add(step, mem.keep(microScope.keep(taskLoss)), mlm);
                    }
                }
                if (o.clipNorm > 0) gradNorm = mem.keep(GradClip.clipGradNormOnDevice(opt.params(), o.clipNorm));
                opt.step();
                opt.zeroGrad();
            }

            double seconds = (System.nanoTime() - start) / 1e9;
            if (step % o.logEvery == 0 || step == total) {
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
                        Progress.duration(seconds / step * (total - step))), step == total);
                window.reset();
            }
            if (step % evalEvery == 0 || step == total) {
                window.settle(); // a non-finite loss stops the run before its weights are evaluated or kept as best
                EvalResult r = evaluate(dev);
                history.add(new DevPoint(step, r));
                boolean improved = bestDev == null || r.score(o.metric) > bestDev.score(o.metric);
                if (improved) {
                    bestDev = r;
                    bestStep = step;
                    sinceBest = 0;
                    best = new WeightSnapshot(model);
                } else {
                    sinceBest++;
                }
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("step", step);
                rec.putAll(r.toMap("dev"));
                rec.put("best_step", bestStep);
                if (metrics != null) metrics.write(rec);
                progress.println(String.format("step %d: dev %s%s", step, r.describe(), improved ? "  (best so far)" : ""));
                if (o.patience > 0 && sinceBest >= o.patience && step < total) {
                    stopped = true;
                    progress.println("early stop: no dev improvement in " + o.patience + " evaluations; keeping step " + bestStep);
                }
            }
        }
        window.settle();
        progress.done();
        best.restoreInto(model);
        model.train(false);
        return new Result(step, total, stopped, bestStep, bestDev, history);
    }

    /**
     * The task and auxiliary MLM losses of the micro-batches since the last metrics line. On a GPU they stay on the
     * device until {@link #settle} (reading one makes the host wait for the device); on the CPU each is read at once.
     */
    private static final class LossWindow {
        private record Pending(int step, Tensor task, Tensor mlm) {}

        private final List<Pending> pending = new ArrayList<>();
        double taskSum, mlmSum;
        int count;

        void add(int step, Tensor task, Tensor mlm) {
            pending.add(new Pending(step, task.detach(), mlm == null ? null : mlm.detach()));
            if (task.device().isCpu()) settle();
        }

        /** Reads the pending losses into the sums; throws when a task loss is not finite, naming its step. */
        void settle() {
            for (Pending p : pending) {
                double v = p.task().item();
                if (!Double.isFinite(v)) {
                    pending.clear();
                    throw new ArithmeticException("training loss became " + v + " at step " + p.step() + "; lower the learning rate");
                }
                taskSum += v;
                if (p.mlm() != null) mlmSum += p.mlm().item();
                count++;
            }
            pending.clear();
        }

        void reset() {
            taskSum = mlmSum = 0;
            count = 0;
        }
    }
}
