package jtrain.engine.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jtrain.engine.Autograd;
import jtrain.engine.DType;
import jtrain.engine.Device;
import jtrain.engine.Phase;
import jtrain.engine.Shapes;
import jtrain.engine.Tensor;

/**
 * Updates parameters in place from their gradients. Parameters are numbered in group order; per-parameter state
 * (named slots such as AdamW's "exp_avg", plus how many updates the parameter has had) is kept on the parameter's
 * device so that a step never copies to the host.
 *
 * <p>For checkpoints, {@link #exportState()} gives the state as tensors keyed {@code "<index>.<slot>"} (and
 * {@code "<index>.step"}), which {@link #importState} loads back together with {@link #stepCount()}.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final List<Tensor> params = new ArrayList<>();
    private final List<String> slotNames;
    private final Tensor[][] state;
    private final long[] paramSteps;
    private double lr;
    private long steps;

    protected Optimizer(List<ParamGroup> groups, double lr, String... slotNames) {
        this.groups = List.copyOf(groups);
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup g : this.groups) {
            for (Tensor p : g.params()) {
                if (!seen.add(p)) throw new IllegalArgumentException("parameter " + describe(p, params.size()) + " appears in more than one place");
                if (!p.dtype().floating) throw new IllegalArgumentException("parameter " + describe(p, params.size()) + " is not floating point");
                params.add(p);
            }
        }
        this.slotNames = List.of(slotNames);
        this.state = new Tensor[params.size()][slotNames.length];
        this.paramSteps = new long[params.size()];
        setLr(lr);
    }

    /** All parameters, in group order (their index is their key in the exported state). */
    public List<Tensor> params() {
        return Collections.unmodifiableList(params);
    }

    public List<ParamGroup> groups() {
        return groups;
    }

    /** The base learning rate; each group uses it times its lrScale. */
    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, not " + lr);
        this.lr = lr;
    }

    /** How many times {@link #step()} has run. */
    public long stepCount() {
        return steps;
    }

    /**
     * One update of every parameter that has a gradient; parameters without one are left alone (as in torch). Every
     * gradient is checked before anything changes, so a step that fails on one leaves all state as it was.
     */
    public void step() {
        try (var ng = Autograd.noGrad(); var phase = Phase.enter("optimizer")) {
            Tensor[] grads = new Tensor[params.size()];
            for (int i = 0; i < grads.length; i++) if (params.get(i).grad() != null) grads[i] = checkedGrad(params.get(i), i);
            startStep();
            int index = 0;
            for (ParamGroup g : groups) {
                for (Tensor p : g.params()) {
                    int i = index++;
                    if (grads[i] == null) continue;
                    paramSteps[i]++;
                    update(i, p, grads[i], lr * g.lrScale(), g.weightDecay());
                }
            }
            finishStep();
            for (int i = 0; i < grads.length; i++) if (grads[i] != null) params.get(i).markModified();
        }
        steps++;
    }

    /** Called before the first {@link #update} of a step (an optimizer that collects updates starts afresh). */
    protected void startStep() {}

    /** Called after every {@link #update} of a step: an optimizer that collects its updates applies them here. */
    protected void finishStep() {}

    /** Drops the gradients (torch's set_to_none), so the next backward starts from nothing. */
    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    /** Updates param i in place; lr already includes the group's scale. */
    protected abstract void update(int index, Tensor param, Tensor grad, double lr, double weightDecay);

    // ---- state ---------------------------------------------------------------------------------------------

    /** How many updates param i has had (AdamW's bias correction counts these, not optimizer steps). */
    protected long paramSteps(int index) {
        return paramSteps[index];
    }

    /** Slot k of param i, or null before it was first set. */
    protected Tensor state(int index, int slot) {
        return state[index][slot];
    }

    /** Slot k of param i, created as zeros like the parameter when missing. */
    protected Tensor stateOrZeros(int index, int slot) {
        if (state[index][slot] == null) {
            Tensor p = params.get(index);
            state[index][slot] = longLived(Tensor.zeros(p.dtype(), p.device(), p.shape()));
        }
        return state[index][slot];
    }

    protected void setState(int index, int slot, Tensor value) {
        state[index][slot] = longLived(value);
    }

    /** Optimizer state outlives every memory scope (see {@link jtrain.engine.MemoryScope}). */
    private static Tensor longLived(Tensor t) {
        if (t != null) t.backend().markLongLived(t.storage(), true);
        return t;
    }

    /**
     * The state as tensors sharing memory with the live state (save them before the next step): per parameter that
     * has been updated, each slot and an F64 scalar "step".
     */
    public Map<String, Tensor> exportState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            if (paramSteps[i] == 0) continue;
            out.put(i + ".step", Tensor.scalar(paramSteps[i], DType.F64, Device.CPU));
            for (int k = 0; k < slotNames.size(); k++) {
                if (state[i][k] != null) out.put(i + "." + slotNames.get(k), state[i][k].detach());
            }
        }
        return out;
    }

    /** Replaces all state by an exported one (tensors may be on any device; they are copied to the parameter's). */
    public void importState(Map<String, Tensor> exported, long stepCount) {
        if (stepCount < 0) throw new IllegalArgumentException("stepCount must be >= 0, not " + stepCount);
        Tensor[][] newState = new Tensor[params.size()][slotNames.size()];
        long[] newSteps = new long[params.size()];
        for (Map.Entry<String, Tensor> e : exported.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            int i = dot > 0 ? parseIndex(key.substring(0, dot)) : -1;
            if (i < 0 || i >= params.size()) {
                throw new IllegalArgumentException("optimizer state key '" + key + "' does not name one of the " + params.size() + " parameters");
            }
            String slot = key.substring(dot + 1);
            if (slot.equals("step")) {
                double v = e.getValue().item();
                if (v < 1 || v != Math.rint(v)) throw new IllegalArgumentException("optimizer state '" + key + "' must be a positive integer, not " + v);
                newSteps[i] = (long) v;
            } else if (slotNames.contains(slot)) {
                newState[i][slotNames.indexOf(slot)] = longLived(copyLike(params.get(i), e.getValue(), key, i));
            } else {
                throw new IllegalArgumentException("optimizer state key '" + key + "': unknown slot '" + slot + "' (expected step or " + slotNames + ")");
            }
        }
        for (int i = 0; i < params.size(); i++) {
            for (int k = 0; k < slotNames.size(); k++) {
                if (newState[i][k] != null && newSteps[i] == 0) {
                    throw new IllegalArgumentException("optimizer state for " + describe(params.get(i), i) + " has '" + slotNames.get(k) + "' but no step");
                }
            }
        }
        for (int i = 0; i < params.size(); i++) {
            state[i] = newState[i];
            paramSteps[i] = newSteps[i];
        }
        steps = stepCount;
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Tensor copyLike(Tensor param, Tensor src, String key, int index) {
        if (!Arrays.equals(param.shape(), src.shape())) {
            throw new IllegalArgumentException("optimizer state '" + key + "' has shape " + Shapes.str(src.shape()) + " but parameter "
                    + describe(param, index) + " has " + Shapes.str(param.shape()));
        }
        Tensor onDevice = src.detach().to(param.device());
        Tensor out = Tensor.zeros(param.dtype(), param.device(), param.shape());
        out.backend().copy(onDevice, out);
        return out;
    }

    // ---- checks --------------------------------------------------------------------------------------------

    /** Row-major over exactly its storage: what the in-place kernels require. */
    static boolean isDense(Tensor t) {
        return t.isContiguous() && t.offset() == 0 && t.storage().length() == t.numel();
    }

    /** A dense copy when the tensor is a strided view. */
    static Tensor dense(Tensor t) {
        if (isDense(t)) return t;
        Tensor out = Tensor.zeros(t.dtype(), t.device(), t.shape());
        t.backend().copy(t, out);
        return out;
    }

    private static Tensor checkedGrad(Tensor p, int index) {
        Tensor g = p.grad();
        if (!isDense(p)) throw new IllegalStateException("parameter " + describe(p, index) + " is a strided view; it cannot be updated in place");
        if (!Arrays.equals(p.shape(), g.shape()) || p.dtype() != g.dtype() || !p.device().equals(g.device())) {
            throw new IllegalStateException("gradient " + g.describe() + " does not match parameter " + describe(p, index) + " " + p.describe());
        }
        return dense(g);
    }

    static String describe(Tensor p, int index) {
        return p.name() != null ? "'" + p.name() + "' (#" + index + ")" : "#" + index;
    }
}
