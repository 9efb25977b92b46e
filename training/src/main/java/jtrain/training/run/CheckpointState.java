package jtrain.training.run;

import java.util.Map;

import jtrain.engine.Tensor;

/**
 * What a {@link Checkpointer} saves of a trainer besides the model and its tokenizer: everything that decides what
 * training does next, as JSON (step, rng states, data positions, running totals) and as tensors (the optimizer's
 * moments, and any weights a trainer keeps aside). Pretraining's is {@link jtrain.training.pretrain.TrainingState},
 * fine-tuning's {@link jtrain.training.finetune.FineTuneState}.
 */
public interface CheckpointState {
    /** Optimizer steps completed; the checkpoint is named step-N after it. */
    int step();

    /** Reads values still on the device; throws an ArithmeticException for a non-finite loss, so no such step is saved. */
    void settle();

    /** The scalar state (longs that use all 64 bits as hex strings: JSON numbers are doubles). */
    Map<String, Object> toJson();

    /** The tensors of the state, written to trainer_state.safetensors. */
    Map<String, Tensor> tensors();

    /**
     * Restores a state built as for step 0 of the same run from what {@link #toJson} and {@link #tensors} saved;
     * called after the model's weights are loaded. source names the checkpoint file in errors.
     */
    void restore(Map<String, Object> json, Map<String, Tensor> tensors, String source);
}
