package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.optim.Optimizer;
import jtrain.training.pretrain.DataOrder;
import jtrain.training.run.CheckpointState;
import jtrain.training.run.StateJson;
import jtrain.transformer.BertTask;
import jtrain.transformer.ProblemType;

/**
 * Everything besides the model's weights that decides what fine-tuning does next: the optimizer, the random
 * generators and data positions (of the labelled batches and of the auxiliary MLM text), the losses since the last
 * metrics line, the dev evaluations so far and the early-stopping state (best dev score, its step, evaluations since,
 * the best weights, whether the run stopped). A checkpoint saves exactly this, so a resumed run repeats an
 * uninterrupted one bit for bit. Built by {@link FineTuner#newState}.
 */
public final class FineTuneState implements CheckpointState {
    private static final String OPTIMIZER = "optimizer.", BEST = "best.", AUX_HEAD = "aux_head.";

    final BertTask model;
    final Optimizer optimizer;
    /** Shuffling of the training examples. */
    final Rng dataRng;
    final DataOrder order;
    /** The auxiliary MLM loss, whose rng, text position and head are part of the state; null without it. */
    final AuxMlm aux;
    /** What the model's outputs mean, which names the metrics of the saved dev evaluations. */
    final ProblemType problem;
    /** Identifies the training and dev examples (see {@link #fingerprint}). */
    final String dataFingerprint;
    final LossWindow window = new LossWindow();
    final List<FineTuner.DevPoint> history = new ArrayList<>();

    /** Optimizer steps completed. */
    int step;
    /** The best dev evaluation so far (null before the first), its step and weights, and evaluations since. */
    EvalResult bestDev;
    int bestStep;
    WeightSnapshot best;
    int sinceBest;
    /** Early stopping ended the run. */
    boolean stopped;

    FineTuneState(BertTask model, ProblemType problem, Optimizer optimizer, Rng dataRng, DataOrder order, AuxMlm aux, String dataFingerprint) {
        this.model = model;
        this.problem = problem;
        this.optimizer = optimizer;
        this.dataRng = dataRng;
        this.order = order;
        this.aux = aux;
        this.dataFingerprint = dataFingerprint;
    }

    @Override
    public int step() {
        return step;
    }

    public boolean stoppedEarly() {
        return stopped;
    }

    /** Reads the losses still on the device; throws when one is not finite (see {@link LossWindow#settle}). */
    @Override
    public void settle() {
        window.settle();
    }

    /**
     * A hash of the token ids, type ids and labels of the examples (and the float targets of regression and multi-label
     * examples, by their bits), so resuming on other data is caught.
     */
    static String fingerprint(List<TaskExample> train, List<TaskExample> dev) {
        List<int[]> arrays = new ArrayList<>();
        for (List<TaskExample> split : List.of(train, dev)) {
            for (TaskExample e : split) {
                arrays.add(e.ids());
                arrays.add(e.typeIds());
                arrays.add(e.labels());
                if (e.targets() != null) arrays.add(bits(e.targets()));
            }
        }
        return DataOrder.fingerprint(arrays);
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("step", step);
        j.put("optimizer_steps", optimizer.stepCount());
        j.put("data_rng", StateJson.hex(dataRng.state()));
        j.put("dropout_rng", StateJson.hex(model.dropoutRng().state()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("fingerprint", dataFingerprint);
        data.putAll(order.positionJson());
        j.put("data", data);
        if (aux != null) j.put("aux_mlm", aux.stateJson());
        j.put("loss_window", window.toJson());
        Map<String, Object> early = new LinkedHashMap<>();
        early.put("best_step", bestStep);
        if (bestDev != null) early.putAll(bestDev.toMap("best_dev"));
        early.put("since_best", sinceBest);
        early.put("stopped", stopped);
        j.put("early_stopping", early);
        List<Object> evals = new ArrayList<>();
        for (FineTuner.DevPoint p : history) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("step", p.step());
            e.putAll(p.result().toMap("dev"));
            evals.add(e);
        }
        j.put("dev_evaluations", evals);
        return j;
    }

    /**
     * The optimizer's moments, the auxiliary MLM head's weights and the best weights, each under its prefix. The best
     * weights are left out when they are the model's own (the best evaluation is this step's) or there are none yet.
     */
    @Override
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        optimizer.exportState().forEach((k, v) -> t.put(OPTIMIZER + k, v));
        if (aux != null) aux.headWeights().forEach((k, v) -> t.put(AUX_HEAD + k, v));
        if (best != null && bestStep != step) best.tensors().forEach((k, v) -> t.put(BEST + k, v));
        return t;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(Map<String, Object> j, Map<String, Tensor> tensors, String source) {
        Map<String, Object> data = StateJson.object(j, "data", source);
        String fingerprint = (String) StateJson.field(data, "fingerprint", source);
        if (!fingerprint.equals(dataFingerprint)) {
            throw new IllegalArgumentException(source + ": the checkpoint was trained on other examples (fingerprint " + fingerprint
                    + ", now " + dataFingerprint + "); resume with the same data files, --label-fraction, --max-len and tokenizer");
        }
        if (j.containsKey("aux_mlm") != (aux != null)) {
            throw new IllegalArgumentException(source + ": the checkpoint was trained " + (aux == null ? "with" : "without")
                    + " the auxiliary masked-LM loss, this run " + (aux == null ? "without" : "with") + " it");
        }
        step = StateJson.number(j, "step", source).intValue();
        dataRng.setState(StateJson.hex(j, "data_rng", source));
        model.dropoutRng().setState(StateJson.hex(j, "dropout_rng", source));
        order.restore(data, source);
        if (aux != null) {
            aux.restoreState(StateJson.object(j, "aux_mlm", source), source);
            aux.loadHeadWeights(withPrefix(tensors, AUX_HEAD), source);
        }
        window.restore(StateJson.object(j, "loss_window", source), source);

        Map<String, Object> early = StateJson.object(j, "early_stopping", source);
        bestStep = StateJson.number(early, "best_step", source).intValue();
        bestDev = bestStep == 0 ? null : EvalResult.fromMap(early, "best_dev", problem, source);
        sinceBest = StateJson.number(early, "since_best", source).intValue();
        stopped = (Boolean) StateJson.field(early, "stopped", source);
        Map<String, Tensor> bestWeights = withPrefix(tensors, BEST);
        if (!bestWeights.isEmpty()) best = new WeightSnapshot(bestWeights);
        else if (bestStep == step && bestStep > 0) best = new WeightSnapshot(model); // the weights just loaded
        else if (bestStep > 0) throw new IllegalArgumentException(source + ": the best weights (of step " + bestStep + ") are missing");

        history.clear();
        for (Object o : (List<Object>) StateJson.field(j, "dev_evaluations", source)) {
            Map<String, Object> e = (Map<String, Object>) o;
            history.add(new FineTuner.DevPoint(StateJson.number(e, "step", source).intValue(), EvalResult.fromMap(e, "dev", problem, source)));
        }
        optimizer.importState(withPrefix(tensors, OPTIMIZER), StateJson.number(j, "optimizer_steps", source).longValue());
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) bits[i] = Float.floatToIntBits(values[i]);
        return bits;
    }

    private static Map<String, Tensor> withPrefix(Map<String, Tensor> tensors, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }
}
