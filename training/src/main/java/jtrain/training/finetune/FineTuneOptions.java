package jtrain.training.finetune;

/**
 * Fine-tuning settings (the CLI's options), with the usual BERT fine-tuning defaults. A plain settings object:
 * set the fields you need, then hand it to {@link FineTuner}.
 */
public final class FineTuneOptions {
    /** Examples per micro-batch. */
    public int batchSize = 32;
    /** Micro-batches whose gradients are summed into one optimizer step. */
    public int gradAccum = 1;
    /** Passes over the training set; ignored when steps > 0. */
    public int epochs = 3;
    /** Optimizer steps; 0 means epochs × steps per epoch. */
    public int steps = 0;
    /** Peak learning rate of the encoder. */
    public double lr = 5e-5;
    /** The classifier (and pooler) learn at lr × headLrScale. */
    public double headLrScale = 1;
    /** Linear warm-up over this fraction of the steps, then linear decay to 0. */
    public double warmupFraction = 0.1;
    /**
     * The planned steps the warm-up is a fraction of; 0 means the run's own. An extended run sets it to its first
     * plan, so its warm-up does not start again when its length grows.
     */
    public int warmupOfSteps = 0;
    /** AdamW decoupled weight decay on matrices (not biases or LayerNorm). */
    public double weightDecay = 0.01;
    /** Global gradient-norm clip; 0 turns it off. */
    public double clipNorm = 1.0;
    /** Steps between dev evaluations; 0 means once per epoch. */
    public int evalEvery = 0;
    /** Stop after this many dev evaluations without improvement; 0 never stops early. */
    public int patience = 3;
    /**
     * Dev metric that picks the best model: macro_f1, accuracy or loss; for regression pearson, spearman or mse, for
     * multi-label micro_f1, macro_f1 or exact_match (see {@link EvalResult#defaultMetric}).
     */
    public String metric = "macro_f1";
    /** Steps between training-loss lines in metrics.jsonl. */
    public int logEvery = 10;
    /** Freeze the embedding layer. */
    public boolean freezeEmbeddings = false;
    /** Freeze the lowest N encoder layers. */
    public int freezeLayers = 0;
    /** Weight w of the auxiliary masked-LM loss (total = task loss + w × MLM loss); 0 turns it off. */
    public double auxMlmWeight = 0;
    /** Unlabeled sequences per auxiliary MLM batch (0 = batchSize). */
    public int auxMlmBatch = 0;
    /** Seeds initialisation of new weights, dropout, shuffling and masking. */
    public long seed = 1;

    /** Refuses settings that cannot train, naming the option of ./trainer finetune that sets each field. */
    void validate() {
        if (batchSize < 1) throw new IllegalArgumentException("--batch (batchSize) must be positive, got " + batchSize);
        if (gradAccum < 1) throw new IllegalArgumentException("--grad-accum (gradAccum) must be positive, got " + gradAccum);
        if (steps < 0 || (steps == 0 && epochs < 1)) throw new IllegalArgumentException("need --epochs >= 1 or --steps >= 1");
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be a positive number, got " + lr);
        if (!(headLrScale >= 0) || Double.isInfinite(headLrScale))
            throw new IllegalArgumentException("--head-lr-scale (headLrScale) must be >= 0, got " + headLrScale);
        if (!(warmupFraction >= 0 && warmupFraction <= 1))
            throw new IllegalArgumentException("--warmup (warmupFraction) must be a fraction of the steps in [0, 1], got " + warmupFraction);
        if (warmupOfSteps < 0) throw new IllegalArgumentException("warmupOfSteps must be >= 0 (0 = the run's steps), got " + warmupOfSteps);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay))
            throw new IllegalArgumentException("--weight-decay (weightDecay) must be >= 0, got " + weightDecay);
        if (!(clipNorm >= 0)) throw new IllegalArgumentException("--clip (clipNorm) must be >= 0 (0 = off), got " + clipNorm);
        if (evalEvery < 0) throw new IllegalArgumentException("--eval-every (evalEvery) must be >= 0 (0 = once per epoch), got " + evalEvery);
        if (patience < 0) throw new IllegalArgumentException("--patience must be >= 0 (0 = never stop early), got " + patience);
        if (logEvery < 1) throw new IllegalArgumentException("logEvery must be positive, got " + logEvery);
        if (!(auxMlmWeight >= 0) || Double.isInfinite(auxMlmWeight))
            throw new IllegalArgumentException("--aux-mlm-weight (auxMlmWeight) must be >= 0, got " + auxMlmWeight);
        EvalResult.requireKnownMetric(metric); // the model's problem type is checked by the evaluation
    }
}
