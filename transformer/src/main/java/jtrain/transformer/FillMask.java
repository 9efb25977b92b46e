package jtrain.transformer;

import java.util.ArrayList;
import java.util.List;

import jtrain.engine.Autograd;
import jtrain.engine.Tensor;

/** Masked-token prediction: the most probable vocabulary entries at every [MASK] position of one sequence. */
public final class FillMask {
    private FillMask() {}

    public record Candidate(int id, double score) {}

    public record Prediction(int position, List<Candidate> top) {}

    /** inputIds: one sequence including [CLS]/[SEP]; returns one prediction per occurrence of maskId, in order. */
    public static List<Prediction> predict(BertForMaskedLM model, int[] inputIds, int maskId, int topK) {
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (var ng = Autograd.noGrad()) {
            Tensor ids = Tensor.ofInts(inputIds, 1, inputIds.length);
            BertModel.Output out = model.bert.forward(ids, null, null, false);
            List<Prediction> result = new ArrayList<>();
            for (int p = 0; p < inputIds.length; p++) {
                if (inputIds[p] != maskId) continue;
                Tensor hidden = out.lastHidden().slice(1, p, p + 1);              // (1, 1, C)
                float[] probs = model.predict(hidden).reshape(-1).softmax().toFloatArray();
                result.add(new Prediction(p, topK(probs, topK)));
            }
            return result;
        } finally {
            model.train(wasTraining);
        }
    }

    static List<Candidate> topK(float[] probs, int k) {
        Integer[] order = new Integer[probs.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(probs[b], probs[a]));
        List<Candidate> top = new ArrayList<>();
        for (int i = 0; i < Math.min(k, probs.length); i++) top.add(new Candidate(order[i], probs[order[i]]));
        return top;
    }
}
