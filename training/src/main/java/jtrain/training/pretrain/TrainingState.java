package jtrain.training.pretrain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.optim.Optimizer;
import jtrain.training.run.CheckpointState;
import jtrain.training.run.StateJson;

/**
 * Everything besides the weights that decides what training does next: the optimizer (moments and step counts),
 * the random generators, the data position and the running totals. A checkpoint saves exactly this, which is why a
 * resumed run repeats an uninterrupted one bit for bit.
 */
public final class TrainingState implements CheckpointState {
    public final Optimizer optimizer;
    /** Shuffling and masking draws. */
    public final Rng dataRng;
    /** The generator the model's dropout layers draw from (the one it was built with). */
    public final Rng dropoutRng;
    public final DataOrder order;
    /** Identifies the training sequences (see {@link DataOrder#fingerprint}). */
    public final String dataFingerprint;

    /** Optimizer steps completed. */
    public int step;
    public long tokens;
    public long flops;
    /** Loss summed over the micro-batches since the last metrics line, and their count. */
    public double lossSinceLog;
    public int microSinceLog;
    /**
     * The lines of metrics.jsonl up to this step, as the run wrote them, so a resume can tell when some were deleted
     * since; -1 when unknown (a checkpoint saved before this was recorded).
     */
    public int metricsLines = -1;

    /** A value of some step still on the device (a loss times scale, or a gradient norm), read at the next {@link #settle}. */
    private record Pending(int step, Tensor value, double scale, boolean isLoss) {}

    private final List<Pending> pending = new ArrayList<>();

    public TrainingState(Optimizer optimizer, Rng dataRng, Rng dropoutRng, DataOrder order, String dataFingerprint) {
        this.optimizer = optimizer;
        this.dataRng = dataRng;
        this.dropoutRng = dropoutRng;
        this.order = order;
        this.dataFingerprint = dataFingerprint;
    }

    /**
     * Adds a micro-batch's loss (a 0-d tensor, times scale) to the window. On a GPU it stays there until {@link
     * #settle}, since reading it would make the host wait for the device in the middle of the step.
     */
    public void addLoss(int step, Tensor loss, double scale) {
        pending.add(new Pending(step, loss.detach(), scale, true));
        microSinceLog++;
        if (loss.device().isCpu()) settle(); // free on the CPU: a bad loss stops the step before its update
    }

    /** Records a step's gradient norm (before clipping), to be checked at the next {@link #settle}. */
    public void addGradNorm(int step, Tensor norm) {
        pending.add(new Pending(step, norm.detach(), 1, false));
        if (norm.device().isCpu()) settle();
    }

    /**
     * Reads the values still on the device (the host waits for the device once) into lossSinceLog; throws an
     * ArithmeticException naming the first step whose loss or gradient norm is not finite. The trainer settles
     * before each metrics line and a checkpoint before it is written, so no checkpoint holds the weights of such a
     * step.
     */
    @Override
    public void settle() {
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            double v = p.value().item() * p.scale();
            if (!Double.isFinite(v)) {
                pending.subList(0, i + 1).clear();
                throw new ArithmeticException((p.isLoss() ? "training loss" : "gradient norm") + " became " + v + " at step " + p.step()
                        + "; lower the learning rate");
            }
            if (p.isLoss()) lossSinceLog += v;
        }
        pending.clear();
    }

    @Override
    public int step() {
        return step;
    }

    /** The scalar state as JSON; longs that use all 64 bits (rng states) are hex strings, since JSON numbers are doubles. */
    @Override
    public Map<String, Object> toJson() {
        settle();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("step", step);
        j.put("optimizer_steps", optimizer.stepCount());
        j.put("data_rng", StateJson.hex(dataRng.state()));
        j.put("dropout_rng", StateJson.hex(dropoutRng.state()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("fingerprint", dataFingerprint);
        data.putAll(order.positionJson());
        j.put("data", data);
        j.put("tokens", tokens);
        j.put("flops", flops);
        j.put("loss_since_log", lossSinceLog); // Double.toString round-trips exactly
        j.put("micro_since_log", microSinceLog);
        if (metricsLines >= 0) j.put("metrics_lines", metricsLines);
        return j;
    }

    /** The optimizer's moments and step counts. */
    @Override
    public Map<String, Tensor> tensors() {
        return optimizer.exportState();
    }

    @Override
    public void restore(Map<String, Object> json, Map<String, Tensor> tensors, String source) {
        restore(json, source);
        optimizer.importState(tensors, StateJson.number(json, "optimizer_steps", source).longValue());
    }

    /** Restores the scalar state (the optimizer's tensors are imported separately); source names the file in errors. */
    public void restore(Map<String, Object> j, String source) {
        Map<String, Object> data = StateJson.object(j, "data", source);
        String fingerprint = (String) StateJson.field(data, "fingerprint", source);
        if (!fingerprint.equals(dataFingerprint)) {
            throw new IllegalArgumentException(source + ": the checkpoint was trained on other data (fingerprint " + fingerprint
                    + ", now " + dataFingerprint + "); resume with the same corpus, tokenizer and --max-len");
        }
        step = StateJson.number(j, "step", source).intValue();
        dataRng.setState(StateJson.hex(j, "data_rng", source));
        dropoutRng.setState(StateJson.hex(j, "dropout_rng", source));
        order.restore(data, source);
        tokens = StateJson.number(j, "tokens", source).longValue();
        flops = StateJson.number(j, "flops", source).longValue();
        lossSinceLog = StateJson.number(j, "loss_since_log", source).doubleValue();
        microSinceLog = StateJson.number(j, "micro_since_log", source).intValue();
        metricsLines = j.containsKey("metrics_lines") ? StateJson.number(j, "metrics_lines", source).intValue() : -1;
    }
}
