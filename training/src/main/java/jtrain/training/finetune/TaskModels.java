package jtrain.training.finetune;

import java.io.IOException;
import java.nio.file.Path;

import jtrain.engine.Rng;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertTask;
import jtrain.transformer.HfCheckpoint;
import jtrain.transformer.StateDict;

/**
 * Building task models: from a pretrained HF folder (its encoder, a new head) or from random initialisation of the
 * same architecture (the baseline that shows what pretraining bought); and loading a fine-tuned folder back.
 * Initialisation draws from Rng(seed), dropout from Rng(seed + 1).
 */
public final class TaskModels {
    private TaskModels() {}

    /** A saved classifier: its kind, weights, tokenizer and label names (from config.json id2label). */
    public record Loaded(TaskKind kind, BertTask model, BertTokenizer tokenizer, LabelVocab labels) {}

    /** dropout: hidden and attention dropout override, or null to keep the checkpoint's. */
    public static BertTask fromPretrained(TaskKind kind, Path dir, LabelVocab labels, Double dropout, long seed) throws IOException {
        BertConfig config = withDropout(HfCheckpoint.readConfig(dir), dropout).withLabels(labels.names());
        BertTask model = kind.newModel(config, new Rng(seed), new Rng(seed + 1));
        HfCheckpoint.loadInto(model, dir); // the encoder must load fully; classifier (and a missing pooler) stay fresh
        return model;
    }

    /** The same architecture as a pretrained config (or a size preset), every weight freshly initialised. */
    public static BertTask fromScratch(TaskKind kind, BertConfig config, LabelVocab labels, Double dropout, long seed) {
        return kind.newModel(withDropout(config, dropout).withLabels(labels.names()), new Rng(seed), new Rng(seed + 1));
    }

    public static Loaded load(Path dir) throws IOException {
        BertConfig config = HfCheckpoint.readConfig(dir);
        TaskKind kind = TaskKind.ofConfig(config, dir.resolve(HfCheckpoint.CONFIG).toString());
        BertTask model = kind.newModel(config, new Rng(0), new Rng(0));
        StateDict.load(model, HfCheckpoint.readWeights(dir)).requireLoaded(dir.resolve(HfCheckpoint.WEIGHTS).toString());
        model.train(false);
        BertTokenizer tok = TokenizerFiles.load(dir);
        return new Loaded(kind, model, tok, new LabelVocab(config.labels()));
    }

    /** Writes an HF folder: config.json (with id2label), model.safetensors and the tokenizer files. */
    public static void save(BertTask model, BertTokenizer tok, Path dir) throws IOException {
        HfCheckpoint.save(model, dir);
        TokenizerFiles.save(tok, dir, model.config.maxPositionEmbeddings());
    }

    /** "tiny" (2 layers, 128 wide), "mini" (4, 256), "small" (4, 512) as Google's small BERTs, or "L,H,A,I". */
    public static BertConfig size(String spec, int vocabSize, int maxPositions) {
        int[] s = switch (spec) {
            case "tiny" -> new int[] {2, 128, 2, 512};
            case "mini" -> new int[] {4, 256, 4, 1024};
            case "small" -> new int[] {4, 512, 8, 2048};
            default -> {
                String[] parts = spec.split(",");
                if (parts.length != 4) throw new IllegalArgumentException("--model must be tiny, mini, small or L,H,A,I (layers,hidden,heads,intermediate), got '" + spec + "'");
                int[] v = new int[4];
                for (int i = 0; i < 4; i++) v[i] = Integer.parseInt(parts[i].strip());
                yield v;
            }
        };
        return BertConfig.of(vocabSize, s[0], s[1], s[2], s[3]).withMaxPositions(maxPositions);
    }

    private static BertConfig withDropout(BertConfig c, Double dropout) {
        return dropout == null ? c : c.withDropout(dropout, dropout);
    }
}
