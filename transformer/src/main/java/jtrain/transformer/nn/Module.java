package jtrain.transformer.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Tensor;

/**
 * A building block that owns named parameters and named child modules, so the full parameter names
 * ("encoder.layer.0.attention.self.query.weight") come from the tree, as in the HuggingFace checkpoints.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a trainable parameter. */
    protected Tensor param(String name, Tensor value) {
        value.requiresGrad(true);
        params.put(name, value);
        return value;
    }

    protected <M extends Module> M child(String name, M module) {
        children.put(name, module);
        return module;
    }

    /** Every parameter under its dotted name, children in registration order; a shared tensor is listed once. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = distinctParameters();
        for (Map.Entry<String, Tensor> e : out.entrySet()) {
            if (e.getValue().name() == null) e.getValue().named(e.getKey());
        }
        return out;
    }

    /** Every parameter under its dotted name, a shared tensor once (under its first name); tensors' names left alone. */
    private Map<String, Tensor> distinctParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        Map<Tensor, Boolean> seen = new java.util.IdentityHashMap<>();
        out.values().removeIf(t -> seen.put(t, true) != null);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        params.forEach((n, t) -> out.put(prefix + n, t));
        children.forEach((n, m) -> m.collect(prefix + n + ".", out));
    }

    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * The same tensors as {@link #parameters()}, leaving their names alone: a submodule asked first would name them
     * without its parents' prefixes.
     */
    public List<Tensor> unnamedParameters() {
        return new ArrayList<>(distinctParameters().values());
    }

    /** Training mode turns dropout on; evaluation mode turns it off. */
    public void train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
    }

    public boolean isTraining() {
        return training;
    }

    /** Moves every parameter to device in place (gradients are dropped); returns this module. */
    public Module to(jtrain.engine.Device device) {
        for (Tensor p : parameters()) p.moveTo(device);
        return this;
    }

    /** Where the parameters are ({@link #to} moves them all together); the CPU for a module without any. */
    public jtrain.engine.Device device() {
        List<Tensor> ps = parameters();
        return ps.isEmpty() ? jtrain.engine.Device.CPU : ps.getFirst().device();
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.numel();
        return n;
    }
}
