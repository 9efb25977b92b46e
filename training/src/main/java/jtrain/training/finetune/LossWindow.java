package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Tensor;
import jtrain.training.run.StateJson;

/**
 * The task and auxiliary MLM losses of the micro-batches since the last metrics line. On a GPU they stay on the
 * device until {@link #settle} (reading one makes the host wait for the device); on the CPU each is read at once.
 */
final class LossWindow {
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

    /** The sums (settled first); Double.toString round-trips them exactly. */
    Map<String, Object> toJson() {
        settle();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("task_sum", taskSum);
        j.put("mlm_sum", mlmSum);
        j.put("count", count);
        return j;
    }

    void restore(Map<String, Object> j, String source) {
        taskSum = StateJson.number(j, "task_sum", source).doubleValue();
        mlmSum = StateJson.number(j, "mlm_sum", source).doubleValue();
        count = StateJson.number(j, "count", source).intValue();
    }
}
