package jtrain.training.finetune;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.Folders;
import jtrain.engine.io.IoErrors;
import jtrain.engine.io.TensorSpec;
import jtrain.training.pretrain.PretrainConfig;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertModel;
import jtrain.transformer.BertTask;
import jtrain.transformer.HfCheckpoint;
import jtrain.transformer.ProblemType;
import jtrain.transformer.StateDict;

/**
 * Building task models: from a pretrained HF folder (its encoder, a new head) or from random initialisation of the
 * same architecture (the baseline that shows what pretraining bought); and loading a fine-tuned folder back.
 * Initialisation draws from Rng(seed), dropout from Rng(seed + 1).
 */
public final class TaskModels {
    private TaskModels() {}

    /** A saved classifier: its kind, weights, tokenizer and label names (from config.json id2label). */
    public record Loaded(TaskKind kind, BertTask model, BertTokenizer tokenizer, LabelVocab labels) {
        /** How its outputs are read: a sequence model's {@link ProblemType#ofConfig}; tagging is single-label. */
        public ProblemType problem() {
            return kind == TaskKind.SEQUENCE ? ProblemType.ofConfig(model.config) : ProblemType.SINGLE_LABEL;
        }
    }

    /**
     * The encoder (and pooler) of a pretrained folder under a new classifier for labels; a folder that is itself a
     * fine-tuned classifier gives its encoder too, its old classifier is left out. dropout: hidden and attention
     * dropout override, or null to keep the checkpoint's.
     */
    public static BertTask fromPretrained(TaskKind kind, Path dir, LabelVocab labels, Double dropout, long seed) throws IOException {
        return fromPretrained(kind, dir, labels, null, dropout, seed);
    }

    /** As above, the config naming the problem type (null: none, as a config HF never trained). */
    public static BertTask fromPretrained(TaskKind kind, Path dir, LabelVocab labels, ProblemType problem, Double dropout, long seed)
            throws IOException {
        return fromPretrained(kind, dir, labels, problem, dropout, seed, System.err);
    }

    /**
     * As above; the folder's tensors the model does not use are named in a note on notes, except a pretraining head
     * (cls.*) and a pooler a token classifier has not, which fine-tuning leaves out by design.
     */
    public static BertTask fromPretrained(TaskKind kind, Path dir, LabelVocab labels, ProblemType problem, Double dropout, long seed,
                                          PrintStream notes) throws IOException {
        BertConfig config = withDropout(HfCheckpoint.readConfig(dir), dropout).withLabels(labels.names()).withProblemType(problem);
        BertTask model = kind.newModel(config, new Rng(seed), new Rng(seed + 1));
        Map<String, Tensor> weights = new LinkedHashMap<>(HfCheckpoint.readWeights(dir));
        weights.keySet().removeIf(name -> name.startsWith("classifier."));
        // The encoder must load fully; the classifier (and a missing pooler) stay fresh.
        String source = HfCheckpoint.weightsFile(dir).toString();
        StateDict.Report r = StateDict.load(model, weights);
        r.requireLoaded(source, "bert.pooler.", "classifier.", "cls.");
        HfCheckpoint.printNote(notes, r.unusedNote(source, "cls.", "bert.pooler."));
        return model;
    }

    /**
     * Throws unless {@link #fromPretrained} would find the folder's encoder whole and in its config's shapes: a command
     * calls it before it reads its data, so a bad folder is named at once. Only the weights' headers are read and no
     * model is built (see {@link StateDict#check}), so the weights are read once, by fromPretrained.
     */
    public static void requirePretrained(Path dir) throws IOException {
        Map<String, TensorSpec> encoder = new LinkedHashMap<>();
        BertModel.parameterSpecs(HfCheckpoint.readConfig(dir), true).forEach((name, spec) -> encoder.put("bert." + name, spec));
        StateDict.check(encoder, HfCheckpoint.tensorSpecs(dir)).requireLoaded(HfCheckpoint.weightsFile(dir).toString(), "bert.pooler.");
    }

    /** Refuses a tokenizer whose ids the model's embedding cannot look up, naming the folder. */
    public static void requireTokenizerFits(BertTokenizer tok, BertConfig config, Path dir) {
        if (tok.vocab().size() > config.vocabSize()) {
            throw new IllegalArgumentException(dir + ": the tokenizer has " + tok.vocab().size() + " tokens but the model's vocab_size is "
                    + config.vocabSize());
        }
    }

    /** The same architecture as a pretrained config (or a size preset), every weight freshly initialised. */
    public static BertTask fromScratch(TaskKind kind, BertConfig config, LabelVocab labels, Double dropout, long seed) {
        return fromScratch(kind, config, labels, null, dropout, seed);
    }

    /** As above, the config naming the problem type (null: none). */
    public static BertTask fromScratch(TaskKind kind, BertConfig config, LabelVocab labels, ProblemType problem, Double dropout, long seed) {
        return kind.newModel(withDropout(config, dropout).withLabels(labels.names()).withProblemType(problem), new Rng(seed), new Rng(seed + 1));
    }

    public static Loaded load(Path dir) throws IOException {
        return load(dir, System.err);
    }

    /** As above; the folder's tensors the model does not use are named in a note on notes. */
    public static Loaded load(Path dir, PrintStream notes) throws IOException {
        BertConfig config = HfCheckpoint.readConfig(dir);
        TaskKind kind = TaskKind.ofConfig(config, dir.resolve(HfCheckpoint.CONFIG).toString());
        BertTask model = kind.newModel(config, new Rng(0), new Rng(0));
        String source = HfCheckpoint.weightsFile(dir).toString();
        StateDict.Report r = StateDict.load(model, HfCheckpoint.readWeights(dir));
        r.requireLoaded(source);
        HfCheckpoint.printNote(notes, r.unusedNote(source));
        model.train(false);
        BertTokenizer tok = TokenizerFiles.load(dir);
        requireTokenizerFits(tok, config, dir);
        return new Loaded(kind, model, tok, new LabelVocab(config.labels()));
    }

    /**
     * Writes an HF folder: config.json (with id2label), model.safetensors and the tokenizer files. They are written
     * into a hidden folder beside dir that is renamed to dir when complete, so a failed save (a full disk) leaves no
     * half folder, and a folder it replaces stays whole until then.
     */
    public static void save(BertTask model, BertTokenizer tok, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + System.nanoTime());
        Path old = abs.resolveSibling("." + abs.getFileName() + ".old-" + System.nanoTime());
        try {
            HfCheckpoint.save(model, tmp);
            TokenizerFiles.save(tok, tmp, model.config.maxPositionEmbeddings());
            boolean replacing = Files.exists(abs);
            // The renames' own messages name the hidden folders; the user knows the model by dir.
            String failed = "cannot save the model as " + abs + ": ";
            try {
                if (replacing) Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new IOException(failed + IoErrors.reason(e) + " (the model that was there is unchanged)", e);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!replacing) throw new IOException(failed + IoErrors.reason(e), e);
                try {
                    Files.move(old, abs, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException r) {
                    throw new IOException(failed + IoErrors.reason(e) + "; the model that was there is now in " + old, e);
                }
                throw new IOException(failed + IoErrors.reason(e) + " (the model that was there is unchanged)", e);
            }
            Folders.deleteTree(old);
        } catch (UncheckedIOException e) {
            // Its message names the hidden folder the files were written in; the user knows them by dir.
            throw new IOException(e.getMessage().replace(tmp.toString(), abs.toString()), e.getCause());
        } catch (IOException e) {
            String message = IoErrors.describe(e);
            if (!message.contains(tmp.toString())) throw e;
            throw new IOException(message.replace(tmp.toString(), abs.toString()), e);
        } finally {
            Folders.deleteTree(tmp);
        }
    }


    /**
     * "tiny" (2 layers, 128 wide), "mini" (4, 256), "small" (4, 512) as Google's small BERTs, "base" (12, 768), or
     * "L,H,A,I"; a bad spec is an error naming --model and its value.
     */
    public static BertConfig size(String spec, int vocabSize, int maxPositions) {
        int[] s = PretrainConfig.modelShape(spec);
        return BertConfig.of(vocabSize, s[0], s[1], s[2], s[3]).withMaxPositions(maxPositions);
    }

    private static BertConfig withDropout(BertConfig c, Double dropout) {
        return dropout == null ? c : c.withDropout(dropout, dropout);
    }
}
