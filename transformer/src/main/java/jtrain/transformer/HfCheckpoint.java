package jtrain.transformer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jtrain.engine.Rng;
import jtrain.engine.Tensor;
import jtrain.engine.io.AtomicFiles;
import jtrain.engine.io.Json;
import jtrain.engine.io.Safetensors;
import jtrain.engine.io.TensorSpec;
import jtrain.engine.io.TorchCheckpoint;

/**
 * A HuggingFace model folder: config.json + model.safetensors (+ the tokenizer files, which the training module
 * handles). Reads folders written by HF, including older ones whose weights are a PyTorch pytorch_model.bin and
 * large ones split into shards, and writes folders HF reads (always one safetensors file).
 */
public final class HfCheckpoint {
    private HfCheckpoint() {}

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    /** torch.save's state dict, which older HF folders hold instead of (or beside) model.safetensors. */
    public static final String TORCH_WEIGHTS = "pytorch_model.bin";
    /** The index of a checkpoint split into shards (large HF models): each tensor's shard file. */
    public static final String WEIGHTS_INDEX = WEIGHTS + ".index.json";
    public static final String TORCH_WEIGHTS_INDEX = TORCH_WEIGHTS + ".index.json";
    /** The prefix of the masked-LM head's tensors in HF's BertForMaskedLM. */
    static final String MLM_HEAD = "cls.predictions.";

    public static BertConfig readConfig(Path dir) throws IOException {
        requireDir(dir);
        Path file = dir.resolve(CONFIG);
        Path inside = Files.exists(file) ? null : modelFolderInside(dir);
        if (inside != null) { // a run folder given for one of its checkpoints, a frequent slip
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "not found: " + dir
                    + " is not a model folder but holds some: give one of them, e.g. " + inside);
        }
        return BertConfig.read(file);
    }

    /**
     * A model folder (one with config.json) inside dir, as a training run keeps them: a fine-tuning run's best model
     * (model/), else among the subfolders of dir/checkpoints or of dir the one a {@code latest} file there names, else
     * the one whose name ends in the highest number; null if none.
     */
    public static Path modelFolderInside(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("model").resolve(CONFIG))) return dir.resolve("model");
        for (Path parent : List.of(dir.resolve("checkpoints"), dir)) {
            if (!Files.isDirectory(parent)) continue;
            Path latest = latestIn(parent);
            if (latest != null && Files.isRegularFile(latest.resolve(CONFIG))) return latest;
            try (var children = Files.list(parent)) {
                Path best = children.filter(p -> Files.isRegularFile(p.resolve(CONFIG)))
                        .max(java.util.Comparator.comparingLong(HfCheckpoint::trailingNumber).thenComparing(Path::toString)).orElse(null);
                if (best != null) return best;
            }
        }
        return null;
    }

    /** The folder a {@code latest} file in parent names, as a training run's checkpoints/ keeps one; null without one. */
    public static Path latestIn(Path parent) throws IOException {
        Path pointer = parent.resolve("latest");
        if (!Files.isRegularFile(pointer) || Files.size(pointer) > 1024) return null;
        String name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
        return name.matches("[\\w.-]+") ? parent.resolve(name) : null;
    }

    private static long trailingNumber(Path p) {
        String digits = p.getFileName().toString().replaceAll("^.*?(\\d*)$", "$1");
        return digits.isEmpty() || digits.length() > 18 ? -1 : Long.parseLong(digits);
    }

    /** The folder's tensors by name, from {@link #weightsFile}. */
    public static Map<String, Tensor> readWeights(Path dir) throws IOException {
        Path f = weightsFile(dir);
        return switch (f.getFileName().toString()) {
            case WEIGHTS -> Safetensors.read(f);
            case WEIGHTS_INDEX -> ShardedWeights.read(f, Safetensors::read);
            case TORCH_WEIGHTS_INDEX -> ShardedWeights.read(f, TorchCheckpoint::read);
            default -> TorchCheckpoint.read(f);
        };
    }

    /**
     * Where the weights are, in HF's order of preference: model.safetensors, model.safetensors.index.json (shards),
     * pytorch_model.bin (read without Python and without running any of the pickle's code),
     * pytorch_model.bin.index.json; a clear error when there is none of them.
     */
    public static Path weightsFile(Path dir) throws IOException {
        requireDir(dir);
        for (String name : new String[] {WEIGHTS, WEIGHTS_INDEX, TORCH_WEIGHTS, TORCH_WEIGHTS_INDEX}) {
            if (Files.exists(dir.resolve(name))) return dir.resolve(name);
        }
        throw new java.nio.file.NoSuchFileException(dir.toString(), null, "model weights not found: none of " + WEIGHTS + ", "
                + WEIGHTS_INDEX + ", " + TORCH_WEIGHTS + ", " + TORCH_WEIGHTS_INDEX);
    }

    /** A masked-LM model with every tensor loaded from the folder (the MLM head must be present). */
    public static BertForMaskedLM loadMaskedLM(Path dir) throws IOException {
        return loadMaskedLM(dir, new Rng(0));
    }

    /** As {@link #loadMaskedLM(Path)}, with dropout drawing from dropoutRng (a training run's, so checkpoints capture it). */
    public static BertForMaskedLM loadMaskedLM(Path dir, Rng dropoutRng) throws IOException {
        return loadMaskedLM(dir, dropoutRng, System.err);
    }

    /** As above; tensors the model does not use are named in a note on notes (a pooler is expected: HF ignores it too). */
    public static BertForMaskedLM loadMaskedLM(Path dir, Rng dropoutRng, PrintStream notes) throws IOException {
        BertConfig config = requireMaskedLM(dir);
        Path weightsFile = weightsFile(dir);
        BertForMaskedLM model = new BertForMaskedLM(config, new Rng(0), dropoutRng);
        StateDict.Report r = StateDict.load(model, readWeights(dir));
        r.requireLoaded(weightsFile.toString());
        printNote(notes, r.unusedNote(weightsFile.toString(), "bert.pooler."));
        return model;
    }

    /**
     * The folder's config, once {@link #loadMaskedLM} is known to find what it needs there: a masked-LM model
     * ({@link #requireMaskedLM}) with every parameter among the weights, in the config's shape and a floating type.
     * Only the weights' headers are read and no model is built (milliseconds, where a load takes seconds at
     * BERT-base size), so a command can check its model before slow work and load it once, when it trains.
     */
    public static BertConfig checkMaskedLM(Path dir) throws IOException {
        BertConfig config = requireMaskedLM(dir);
        StateDict.check(BertForMaskedLM.parameterSpecs(config), tensorSpecs(dir)).requireLoaded(weightsFile(dir).toString());
        return config;
    }

    /** Prints a note such as {@link StateDict.Report#unusedNote}'s, if there is one. */
    public static void printNote(PrintStream notes, String note) {
        if (note != null) notes.println(note);
    }

    /**
     * The folder's config, once the folder is known to hold a masked-LM model jtrain can load: a tied decoder and
     * an MLM head among the weights, whose names alone are read (a safetensors header, a shard index, a pickle), so
     * a command can check its model before slow work such as reading a corpus.
     */
    public static BertConfig requireMaskedLM(Path dir) throws IOException {
        BertConfig config = readConfig(dir);
        if (Boolean.FALSE.equals(config.extra().get("tie_word_embeddings"))) {
            throw new IllegalArgumentException(dir.resolve(CONFIG) + ": tie_word_embeddings false (a separate masked-LM decoder) "
                    + "is not supported: jtrain's decoder is the word embedding matrix");
        }
        Path weightsFile = weightsFile(dir);
        if (tensorNames(dir).stream().noneMatch(name -> name.startsWith(MLM_HEAD))) {
            // A fine-tuned classifier or a bare encoder: say so, rather than list the head's tensors as missing.
            throw new IllegalArgumentException(weightsFile + " has no masked-LM head (no " + MLM_HEAD + "* tensors; "
                    + dir.resolve(CONFIG) + " names " + config.extra().getOrDefault("architectures", "no architecture")
                    + "): a masked-LM model is needed, such as a pretraining checkpoint or an HF BertForMaskedLM folder");
        }
        return config;
    }

    /** The names of the folder's tensors, without reading their data. */
    public static List<String> tensorNames(Path dir) throws IOException {
        Path f = weightsFile(dir);
        return switch (f.getFileName().toString()) {
            case WEIGHTS -> Safetensors.tensorNames(f);
            case WEIGHTS_INDEX, TORCH_WEIGHTS_INDEX -> ShardedWeights.namesByShard(f).values().stream().flatMap(Set::stream).toList();
            default -> TorchCheckpoint.tensorNames(f);
        };
    }

    /** Each tensor's type (as read) and shape, from the headers alone (a safetensors header, a shard index, a pickle). */
    public static Map<String, TensorSpec> tensorSpecs(Path dir) throws IOException {
        Path f = weightsFile(dir);
        return switch (f.getFileName().toString()) {
            case WEIGHTS -> Safetensors.tensorSpecs(f);
            case WEIGHTS_INDEX -> ShardedWeights.read(f, Safetensors::tensorSpecs);
            case TORCH_WEIGHTS_INDEX -> ShardedWeights.read(f, TorchCheckpoint::tensorSpecs);
            default -> TorchCheckpoint.tensorSpecs(f);
        };
    }

    /**
     * Loads the encoder (and any head tensors present) into model; tensors of the task head missing from the folder
     * keep their fresh initialisation, as when fine-tuning starts from a pretrained encoder.
     */
    public static StateDict.Report loadInto(BertTask model, Path dir) throws IOException {
        StateDict.Report r = StateDict.load(model, readWeights(dir));
        r.requireLoaded(weightsFile(dir).toString(), "bert.pooler.", "classifier.", "cls.");
        return r;
    }

    /** Writes config.json and model.safetensors (each atomically: temporary file, then rename). */
    public static void save(BertTask model, Path dir) throws IOException {
        Files.createDirectories(dir);
        byte[] config = Json.writePretty(model.config.toJson(model.architecture())).getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFiles.write(dir.resolve(CONFIG), config); // readable by all, as the weights
        } catch (UncheckedIOException e) {
            throw new IOException(e.getMessage(), e.getCause()); // its message, which names config.json, not the temporary file
        }
        Safetensors.write(dir.resolve(WEIGHTS), StateDict.of(model), Map.of("format", "pt"));
    }

    private static void requireDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new java.nio.file.NoSuchFileException(dir.toString(), null, "model folder not found");
    }
}
