package jtrain.training.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jtrain.engine.Rng;
import jtrain.engine.io.IoErrors;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.HfCheckpoint;

/**
 * The masked-LM folder that continual pretraining ({@code pretrain --init DIR}) starts from: one of our checkpoints or
 * an HF BertForMaskedLM folder. Its config.json and weights make the model, its tokenizer files the tokenizer.
 */
public final class InitFolder {
    private InitFolder() {}

    /**
     * The folder's model config, once its tokenizer is known to fit the model, maxLen its positions, and its weights
     * to be those of the config: a masked-LM head, every tensor there in the config's shape. A command checks this
     * before it reads a corpus; only the weights' headers are read ({@link HfCheckpoint#checkMaskedLM}), so the
     * weights are read once, by the load that trains.
     */
    public static BertConfig check(Path dir, BertTokenizer tokenizer, int maxLen) {
        BertConfig config = config(dir);
        requireFits(dir, "the --init model", config, tokenizer, maxLen);
        try {
            HfCheckpoint.checkMaskedLM(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("--init " + IoErrors.describe(dir, e), e);
        }
        return config;
    }

    /**
     * The tokenizer within the model's vocab_size and maxLen within its positions; the errors name the folder and
     * call the model {@code what} ("the --init model").
     */
    public static void requireFits(Path dir, String what, BertConfig config, BertTokenizer tokenizer, int maxLen) {
        if (tokenizer.vocab().size() > config.vocabSize()) {
            throw new IllegalArgumentException(dir + ": the tokenizer has " + tokenizer.vocab().size() + " tokens but the model only "
                    + config.vocabSize() + " (vocab_size in " + HfCheckpoint.CONFIG + ")");
        }
        if (maxLen > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("--max-len " + maxLen + " is above the " + config.maxPositionEmbeddings()
                    + " positions of " + what + " " + dir + " (max_position_embeddings in its " + HfCheckpoint.CONFIG + ")");
        }
    }

    /**
     * --init must be a model folder (config.json); a run folder gets a pointer to the model folder in it that eval and
     * fill-mask would name: a fine-tuning run's model/, else the latest checkpoint.
     */
    public static void requireModelFolder(Path init) {
        if (!Files.exists(init)) throw new IllegalArgumentException("--init " + init + ": no such folder");
        if (!Files.isDirectory(init)) throw new IllegalArgumentException("--init " + init + " is a file, not a model folder");
        if (!Files.isRegularFile(init.resolve(HfCheckpoint.CONFIG))) {
            Path inside;
            try {
                inside = HfCheckpoint.modelFolderInside(init);
            } catch (IOException e) {
                inside = null; // only the hint is lost
            }
            String hint = inside == null ? "" : " (it is not a model folder but holds some: give one of them, e.g. " + inside + ")";
            throw new IllegalArgumentException("--init " + init + " holds no " + HfCheckpoint.CONFIG + hint);
        }
    }

    public static BertConfig config(Path dir) {
        try {
            return HfCheckpoint.readConfig(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("--init " + IoErrors.describe(dir, e), e);
        }
    }

    /** The folder's masked-LM model (the MLM head must be there), its dropout drawing from a run's dropoutRng. */
    public static BertForMaskedLM load(Path dir, Rng dropoutRng) {
        try {
            return HfCheckpoint.loadMaskedLM(dir, dropoutRng);
        } catch (IOException e) {
            throw new UncheckedIOException("--init " + IoErrors.describe(dir, e), e);
        }
    }
}
