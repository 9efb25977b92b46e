package jtrain.training.finetune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.training.pretrain.DataOrder;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.MlmMasking;
import jtrain.transformer.BertForMaskedLM;

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
    private final Rng rng;
    private int[] order;
    private int cursor;

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
        this.order = DataOrder.permutation(sequences.size(), rng);
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
        while (batch.size() < batchSize) {
            if (cursor == order.length) {
                order = DataOrder.permutation(sequences.size(), rng);
                cursor = 0;
            }
            batch.add(sequences.get(order[cursor++]));
        }
        MlmBatch b = MlmBatch.of(batch, vocab, masking, rng);
        return model.sparseLoss(b.inputIds(), null, b.attentionMask(), b.labels());
    }
}
