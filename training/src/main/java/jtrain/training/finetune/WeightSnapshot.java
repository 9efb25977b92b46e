package jtrain.training.finetune;

import java.util.LinkedHashMap;
import java.util.Map;

import jtrain.engine.Tensor;
import jtrain.transformer.StateDict;
import jtrain.transformer.nn.Module;

/** An in-memory copy of a model's weights (the best model so far during early stopping), restorable in place. */
public final class WeightSnapshot {
    private final Map<String, Tensor> copy = new LinkedHashMap<>();

    public WeightSnapshot(Module model) {
        model.namedParameters().forEach((name, t) -> copy.put(name, Tensor.of(t.toFloatArray(), t.shape())));
    }

    /** A snapshot saved with {@link #tensors} (a checkpoint's best weights). */
    public WeightSnapshot(Map<String, Tensor> tensors) {
        copy.putAll(tensors);
    }

    /** The saved values by parameter name (host tensors). */
    public Map<String, Tensor> tensors() {
        return copy;
    }

    /** Copies the saved values back into the model's own tensors (optimizer references stay valid). */
    public void restoreInto(Module model) {
        StateDict.load(model, copy).requireExact("weight snapshot");
    }
}
