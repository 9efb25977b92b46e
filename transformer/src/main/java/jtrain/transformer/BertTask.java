package jtrain.transformer;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.transformer.nn.Module;

/**
 * A BERT encoder (registered as "bert", like HF's Bert*For* classes) with a task head. Owns the generator that
 * seeds every dropout mask, so training randomness is one saved number.
 */
public abstract class BertTask extends Module {
    public final BertConfig config;
    public final BertModel bert;
    protected final Rng dropoutRng;

    protected BertTask(BertConfig config, boolean withPooler, Rng init, Rng dropoutRng) {
        this.config = config;
        this.dropoutRng = dropoutRng;
        this.bert = child("bert", new BertModel(config, withPooler, init, dropoutRng));
    }

    /**
     * A head on an encoder another task already owns: both tasks then train one set of encoder parameters (e.g. an
     * auxiliary masked-LM loss during fine-tuning). dropoutRng should be the generator the encoder was built with.
     */
    protected BertTask(BertModel sharedEncoder, Rng dropoutRng) {
        this.config = sharedEncoder.config;
        this.dropoutRng = dropoutRng;
        this.bert = child("bert", sharedEncoder);
    }

    /** HF's class name, written to config.json "architectures". */
    public abstract String architecture();

    /** Task logits for a batch: (B, T, V) for masked LM, (B, L) for sequences, (B, T, L) for tokens. */
    public abstract Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask);

    /** The task's mean training loss of the logits against labels: cross-entropy (-100 = ignored) but for sequence regression and multi-label heads. */
    public abstract Tensor loss(Tensor logits, Tensor labels);

    public Rng dropoutRng() {
        return dropoutRng;
    }

    public static final int IGNORE_INDEX = -100;
}
