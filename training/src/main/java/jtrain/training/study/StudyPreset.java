package jtrain.training.study;

import java.util.List;

/**
 * The size of a study run. quick: a small model and short runs, about 9 minutes on 2 CPU cores; standard: twice
 * the layers, longer runs and three seeds, about 40 minutes there; full: BERT-mini at length 128 for a GPU (not yet
 * measured). Everything else (data, splits, phases) is the same.
 *
 * @param model           encoder size: "tiny", "mini", "small", "base" or "L,H,A,I"
 * @param vocabSize       WordPiece vocabulary trained on the pretraining corpus
 * @param maxLen          sequence length for pretraining and fine-tuning
 * @param pretrainSteps   MLM optimizer steps (batch pretrainBatch)
 * @param pretrainBatch   MLM sequences per step
 * @param pretrainLr      MLM peak learning rate
 * @param budgets         fractions of the training labels to fine-tune with
 * @param ftMaxSteps      cap on fine-tuning steps per run (the same for pretrained and scratch)
 * @param ftEpochs        epochs over the labelled data, capped by ftMaxSteps
 * @param ftBatch         fine-tuning batch size
 * @param ftLr            fine-tuning learning rate
 * @param evalCap         at most this many dev/test examples are scored per evaluation (whole sets when 0)
 * @param continualSteps  extra MLM steps on e-mail text (domain-adaptive pretraining)
 * @param seeds           fine-tuning seeds (mean and std reported when more than one)
 */
public record StudyPreset(String name, String model, int vocabSize, int maxLen, int pretrainSteps, int pretrainBatch,
                          double pretrainLr, List<Double> budgets, int ftMaxSteps, int ftEpochs, int ftBatch, double ftLr,
                          int evalCap, int continualSteps, List<Long> seeds) {

    public static StudyPreset of(String name) {
        return switch (name) {
            case "quick" -> new StudyPreset("quick", "tiny", 6000, 64, 1200, 32, 1e-3,
                    List.of(0.01, 0.1, 1.0), 120, 4, 16, 5e-4, 600, 250, List.of(1L));
            // Sized from the quick preset's measured costs (about 10k tokens/s for tiny at length 64 on 2 cores): twice
            // the layers, 2.5x the pretraining tokens, longer fine-tuning and three seeds.
            case "standard" -> new StudyPreset("standard", "4,128,2,512", 6000, 64, 3000, 32, 1e-3,
                    List.of(0.01, 0.1, 1.0), 200, 4, 16, 5e-4, 1000, 600, List.of(1L, 2L, 3L));
            case "full" -> new StudyPreset("full", "mini", 16000, 128, 30000, 64, 5e-4,
                    List.of(0.01, 0.1, 1.0), 3000, 5, 32, 1e-4, 0, 5000, List.of(1L, 2L, 3L));
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (expected quick, standard or full)");
        };
    }
}
