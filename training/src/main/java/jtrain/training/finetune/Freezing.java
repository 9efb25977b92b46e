package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jtrain.engine.Tensor;
import jtrain.transformer.BertTask;

/**
 * Freezes the embeddings and/or the lowest encoder layers: their parameters stop requiring gradients (so backward
 * does not compute them) and the optimizer never sees them (so weight decay cannot move them either).
 */
public final class Freezing {
    private Freezing() {}

    /** Returns the names of the frozen parameters. */
    public static List<String> apply(BertTask model, boolean embeddings, int lowerLayers) {
        int layers = model.config.numHiddenLayers();
        if (lowerLayers < 0 || lowerLayers > layers)
            throw new IllegalArgumentException("--freeze-layers must be between 0 and the model's " + layers + " layers, got " + lowerLayers);
        List<String> frozen = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            if (isFrozen(e.getKey(), embeddings, lowerLayers)) {
                e.getValue().requiresGrad(false);
                frozen.add(e.getKey());
            }
        }
        return frozen;
    }

    static boolean isFrozen(String name, boolean embeddings, int lowerLayers) {
        if (embeddings && name.startsWith("bert.embeddings.")) return true;
        String layerPrefix = "bert.encoder.layer.";
        if (!name.startsWith(layerPrefix)) return false;
        int dot = name.indexOf('.', layerPrefix.length());
        return Integer.parseInt(name.substring(layerPrefix.length(), dot)) < lowerLayers;
    }
}
