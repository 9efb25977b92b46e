package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.training.pretrain.DataOrder;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.MlmMasking;
import jtrain.training.run.StateJson;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.StateDict;

/**
 * The auxiliary masked-LM objective during fine-tuning: a masked-LM head on the task model's own encoder (shared, not
 * copied) and a stream of packed unlabeled sequences. Fed with the task's unlabeled text it is domain-adaptive MLM;
 * fed with pretraining-corpus sequences it is "rehearsal" against forgetting. Same code path either way.
 */
public final class AuxMlm {
    private final BertForMaskedLM model;
    private final List<int[]> sequences;
    private final MlmBatch.Vocab vocab;
    private final MlmMasking masking;
    private final double weight;
    private final int batchSize;
    /** Shuffling and masking draws. */
    private final Rng rng;
    private final DataOrder order;

    public AuxMlm(BertForMaskedLM model, List<int[]> sequences, MlmBatch.Vocab vocab, MlmMasking masking, double weight,
                  int batchSize, long seed) {
        if (sequences.isEmpty()) throw new IllegalArgumentException("auxiliary MLM needs unlabeled text, got none");
        this.model = model;
        this.sequences = sequences;
        this.vocab = vocab;
        this.masking = masking;
        this.weight = weight;
        this.batchSize = batchSize;
        this.rng = new Rng(seed);
        this.order = new DataOrder(sequences.size(), rng);
    }

    public BertForMaskedLM model() {
        return model;
    }

    public double weight() {
        return weight;
    }

    /** The MLM head's own parameters (cls.*); the encoder's belong to the task model. */
    public List<Tensor> headParameters() {
        List<Tensor> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet())
            if (e.getKey().startsWith("cls.")) out.add(e.getValue());
        return out;
    }

    /** Unweighted MLM loss on the next batch of unlabeled sequences (freshly masked). */
    public Tensor nextLoss() {
        List<int[]> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize) batch.add(sequences.get(order.next()));
        MlmBatch b = MlmBatch.of(batch, vocab, masking, rng);
        return model.sparseLoss(b.inputIds(), null, b.attentionMask(), b.labels());
    }

    /** The rng and the position in the unlabeled text, for checkpoints. */
    Map<String, Object> stateJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("rng", StateJson.hex(rng.state()));
        j.putAll(order.positionJson());
        return j;
    }

    void restoreState(Map<String, Object> j, String source) {
        rng.setState(StateJson.hex(j, "rng", source));
        order.restore(j, source);
    }

    /** The head's weights by name (cls.*), copied to the host. */
    Map<String, Tensor> headWeights() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        model.namedParameters().forEach((name, t) -> {
            if (name.startsWith("cls.")) out.put(name, Tensor.of(t.toFloatArray(), t.shape()));
        });
        return out;
    }

    /** Loads weights saved by {@link #headWeights} into the head; source names the checkpoint in errors. */
    void loadHeadWeights(Map<String, Tensor> weights, String source) {
        StateDict.load(model, weights).requireLoaded(source + " (auxiliary masked-LM head)", "bert.");
    }
}
