package jtrain.training.pretrain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.optim.Optimizer;

/**
 * Everything besides the weights that decides what training does next: the optimizer (moments and step counts),
 * the random generators, the data position and the running totals. A checkpoint saves exactly this, which is why a
 * resumed run repeats an uninterrupted one bit for bit.
 */
public final class TrainingState {
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

    /** The scalar state as JSON; longs that use all 64 bits (rng states) are hex strings, since JSON numbers are doubles. */
    public Map<String, Object> toJson() {
        settle();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("step", step);
        j.put("optimizer_steps", optimizer.stepCount());
        j.put("data_rng", Long.toHexString(dataRng.state()));
        j.put("dropout_rng", Long.toHexString(dropoutRng.state()));
        DataOrder.Position p = order.position();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("fingerprint", dataFingerprint);
        data.put("epoch", p.epoch());
        data.put("shuffle_rng", Long.toHexString(p.shuffleState()));
        data.put("cursor", p.cursor());
        j.put("data", data);
        j.put("tokens", tokens);
        j.put("flops", flops);
        j.put("loss_since_log", lossSinceLog); // Double.toString round-trips exactly
        j.put("micro_since_log", microSinceLog);
        return j;
    }

    /** Restores the scalar state (the optimizer's tensors are imported separately); source names the file in errors. */
    @SuppressWarnings("unchecked")
    public void restore(Map<String, Object> j, String source) {
        Map<String, Object> data = (Map<String, Object>) field(j, "data", source);
        String fingerprint = (String) field(data, "fingerprint", source);
        if (!fingerprint.equals(dataFingerprint)) {
            throw new IllegalArgumentException(source + ": the checkpoint was trained on other data (fingerprint " + fingerprint
                    + ", now " + dataFingerprint + "); resume with the same corpus, tokenizer and --max-len");
        }
        step = number(j, "step", source).intValue();
        dataRng.setState(Long.parseUnsignedLong((String) field(j, "data_rng", source), 16));
        dropoutRng.setState(Long.parseUnsignedLong((String) field(j, "dropout_rng", source), 16));
        order.restore(new DataOrder.Position(number(data, "epoch", source).intValue(),
                Long.parseUnsignedLong((String) field(data, "shuffle_rng", source), 16), number(data, "cursor", source).intValue()));
        tokens = number(j, "tokens", source).longValue();
        flops = number(j, "flops", source).longValue();
        lossSinceLog = number(j, "loss_since_log", source).doubleValue();
        microSinceLog = number(j, "micro_since_log", source).intValue();
    }

    private static Object field(Map<String, Object> j, String key, String source) {
        Object v = j.get(key);
        if (v == null) throw new IllegalArgumentException(source + ": missing field '" + key + "'");
        return v;
    }

    private static Number number(Map<String, Object> j, String key, String source) {
        if (!(field(j, key, source) instanceof Number n)) throw new IllegalArgumentException(source + ": field '" + key + "' is not a number");
        return n;
    }
}
