package jtrain.training.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jtrain.engine.backend.Backends;
import jtrain.engine.backend.ProfilingBackend;
import jtrain.training.data.DataException;
import jtrain.training.data.PretrainCorpus;
import jtrain.training.pretrain.Packing;
import jtrain.training.pretrain.PretrainConfig;
import jtrain.training.pretrain.Pretrainer;
import jtrain.training.run.CheckpointException;
import jtrain.training.run.Checkpointer;
import jtrain.training.run.InitFolder;
import jtrain.training.run.InterruptNotice;
import jtrain.training.run.PretrainRun;
import jtrain.training.run.Progress;
import jtrain.training.run.RunFolder;
import jtrain.training.run.RunLock;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertConfig;

/** {@code ./trainer pretrain}: masked-LM pretraining into a run folder, with checkpoints and exact {@code --resume}. */
public final class PretrainCommand {
    static final String USAGE = """
            usage: ./trainer pretrain --out RUN_DIR [--resume] [options]
              --data default|FILE...   corpus: the standard one (./trainer data fetch) or files: .txt, or the text of
                                       .jsonl/.tsv/.csv/.conll (labels and other columns left out) [default]
              --init DIR               continual pretraining: start from the masked-LM model (config, weights) and
                                       tokenizer of DIR (a checkpoint step-N, an HF BertForMaskedLM folder) with a
                                       fresh optimizer and schedule; not with --model/--tokenizer/--vocab-size/--min-frequency
              --tokenizer DIR          a tokenizer folder; else one is trained on the corpus and saved in the run
              --vocab-size N           vocabulary of a trained tokenizer [8000]    --min-frequency N  [2]
              --model M                tiny, mini, small, base or L,H,A,I (layers,hidden,heads,intermediate) [mini]
              --max-len N [128, at most the --init model's positions]  --batch N [32]  --grad-accum N [1]  --steps N [1000]  --lr X [5e-4]
              --warmup N [steps/10]  --schedule linear|cosine|constant [linear]  --weight-decay X [0.01]
              --clip X (0 = off) [1.0]  --whole-word  --seed S [1]  --device auto|cpu|cuda [auto]
              --precision fp32|tf32|bf16  GPU matrix products in FP32, on TF32 or on BF16 tensor cores (not saved) [fp32]
              --log-every N [10]  --eval-every N [200]  --save-every N [200]  --keep K checkpoints [3]
              --resume                 continue RUN_DIR from its latest checkpoint, exactly as if never stopped;
                                       with more --steps than the run has, extend it (the schedule of the new length
                                       from there on; recorded in run_config.json)
              --stop-after N           stop this invocation after step N (a checkpoint is saved there)
              --cache DIR              the data cache [$JTRAIN_DATA, else ~/.cache/jtrain/data]
              --recompute              activation checkpointing: keep only each encoder layer's input and run the layer
                                       again in backward (less memory, about one more forward pass of time, the same
                                       results bit for bit); kept by --resume, which may switch it (--no-recompute)
              --profile                time every engine primitive (forward, backward, optimizer, eval); table at the end
            RUN_DIR gets run_config.json, metrics.jsonl, tokenizer/ and checkpoints/step-N (HF layout + trainer state).""";

    /** Options that change neither the model nor the batches, so a resumed run may set them anew. */
    private static final Set<String> FREE_ON_RESUME = Set.of("keep", "device", "log_every", "eval_every", "save_every", "recompute");

    private PretrainCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return pretrain(args, out, err);
        } catch (IllegalArgumentException | IllegalStateException | DataException | ArithmeticException | CheckpointException
                 | UncheckedIOException e) {
            Main.printError(err, "trainer pretrain: " + e.getMessage(), e);
            return 2;
        }
    }

    private static int pretrain(String[] args, PrintStream out, PrintStream err) {
        Map<String, Object> given = new LinkedHashMap<>();
        String outDir = null, cache = null, precision = "fp32";
        boolean resume = false;
        ProfilingBackend profiler = null;
        int stopAfter = Integer.MAX_VALUE;
        CliArgs a = new CliArgs(args);
        while (a.hasNext()) {
            String o = a.next();
            switch (o) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "--out" -> outDir = a.value(o);
                case "--resume" -> resume = true;
                case "--profile" -> profiler = new ProfilingBackend(Backends.cpu());
                case "--stop-after" -> stopAfter = CliArgs.integer(o, a.value(o));
                case "--cache" -> cache = a.value(o);
                case "--precision" -> precision = a.value(o);
                case "--data" -> given.put("data", a.values(o));
                case "--whole-word" -> given.put("whole_word", true);
                case "--recompute" -> given.put("recompute", true);
                case "--no-recompute" -> given.put("recompute", false);
                case "--init", "--tokenizer", "--model", "--schedule", "--device" -> given.put(key(o), a.value(o));
                case "--lr", "--weight-decay", "--clip" -> given.put(key(o), CliArgs.number(o, a.value(o)));
                case "--seed" -> given.put("seed", CliArgs.longInteger(o, a.value(o)));
                case "--vocab-size", "--min-frequency", "--max-len", "--batch", "--grad-accum", "--steps", "--warmup",
                     "--log-every", "--eval-every", "--save-every", "--keep" -> given.put(key(o), CliArgs.integer(o, a.value(o)));
                default -> throw new IllegalArgumentException("unknown option " + o + " (see ./trainer pretrain --help)");
            }
        }
        if (outDir == null) throw new IllegalArgumentException("--out RUN_DIR is required (see ./trainer pretrain --help)");
        if (outDir.isBlank()) throw new IllegalArgumentException("--out needs a folder name, got '" + outDir + "'");
        if (stopAfter < 1) throw new IllegalArgumentException("--stop-after must be positive, got " + stopAfter);
        if (given.containsKey("tokenizer")) refuseTrainingOptionsWithTokenizer(given);
        RunFolder folder = new RunFolder(Path.of(outDir));
        absolutePaths(given); // the run's options name its files wherever --resume is typed
        // Bad options fail before the folder is created; so does an --init folder without a tokenizer or too few positions.
        BertTokenizer initTokenizer = resume || !given.containsKey("init") ? null : initTokenizer(given);
        PretrainConfig fresh = resume ? null : freshConfig(given);
        if (fresh != null) {
            CorpusSources.requireFiles(fresh.data());
            RunLock.requireNotHeld(folder.dir()); // a run being written: "in use" says more than what its files show
            requireNoRun(folder); // checked again under the lock
            int heads = fresh.init() == null ? PretrainConfig.modelShape(fresh.model())[2]
                    : InitFolder.check(Path.of(fresh.init()), initTokenizer, fresh.maxLen()).numAttentionHeads();
            String note = LongSequenceNote.of(fresh.maxLen(), heads);
            if (note != null) err.println(note);
        }
        jtrain.engine.Device device = fresh == null ? null : device(fresh, precision); // fails now, before any data work
        if (resume && !folder.hasRun()) folder.readConfig(); // the "no run to resume" error, without creating the folder
        // Before the folder is read: a run being written by another process must not be resumed or started over.
        try (RunLock lock = RunLock.acquire(folder.dir(), resume ? "pretrain --resume" : "pretrain");
             var notice = InterruptNotice.install(err, () -> interrupted(folder))) {
            PretrainConfig config = resume ? resumedConfig(folder, given) : fresh;
            if (!resume) requireNoRun(folder);
            if (device == null) device = device(config, precision);
            BertTokenizer knownTokenizer = initTokenizer;
            if (resume && config.init() != null && new Checkpointer(folder.checkpoints(), 1).latest().isEmpty()) {
                // Stopped before its first checkpoint, the run starts again from the --init weights: checked before
                // the corpus is read, as a new run's are.
                knownTokenizer = TokenizerFiles.load(folder.tokenizer());
                InitFolder.check(Path.of(config.init()), knownTokenizer, config.maxLen());
            }

            PretrainCorpus corpus;
            try {
                corpus = CorpusSources.load(config.data(), config.seed(), cache, out);
            } catch (DataException e) {
                throw resume ? new DataException(e.getMessage() + " (a file of the run, named in " + folder.runConfig() + ")") : e;
            }
            BertTokenizer tok = knownTokenizer != null ? knownTokenizer : tokenizer(config, folder, resume, corpus, out);
            List<int[]> train = Packing.packDocuments(tok, corpus.train(), config.maxLen());
            List<int[]> heldOut = corpus.heldOut().isEmpty() ? List.of() : Packing.packDocuments(tok, corpus.heldOut(), config.maxLen());
            if (train.isEmpty()) throw new IllegalArgumentException("the corpus is too small for one training sequence");
            out.printf("%,d training and %,d held-out sequences of up to %d tokens%s%n", train.size(), heldOut.size(), config.maxLen(),
                    heldOut.isEmpty() ? " (no held-out text: no evaluation)" : "");
            BertConfig shape = modelConfig(config, folder, tok);
            out.printf("model: %d layer%s, hidden %d, %d heads, intermediate %d, vocabulary %,d%s; %s backend%s; run folder %s%n",
                    shape.numHiddenLayers(), shape.numHiddenLayers() == 1 ? "" : "s", shape.hiddenSize(), shape.numAttentionHeads(), shape.intermediateSize(), shape.vocabSize(),
                    config.init() == null ? "" : ", from --init " + config.init(), Backends.forDevice(device).name(),
                    config.recompute() ? "; activation checkpointing (--recompute)" : "", folder.dir());

            var inv = new PretrainRun.Invocation(resume, stopAfter, new Progress(out, 30), s -> {});
            Pretrainer.Summary s;
            long t0 = System.nanoTime();
            try (var installed = Backends.useCpu(profiler != null ? profiler : Backends.cpu())) {
                s = PretrainRun.run(folder, config, tok, train, heldOut, inv);
            }
            if (profiler != null) {
                out.println("time by engine primitive over the whole run (checkpoints and data preparation are outside primitives):");
                out.print(profiler.table(System.nanoTime() - t0, 1).replace("calls/step", "     calls").replace("   ms/step", "        ms"));
            }
            if (s.finalEval() != null) {
                out.printf("last held-out evaluation: MLM loss %.3f (perplexity %.1f), masked-token accuracy %.1f%%%n",
                        s.finalEval().loss(), s.finalEval().perplexity(), 100 * s.finalEval().accuracy());
            }
            out.printf("%,d tokens in %s (%,.0f tokens/s); latest checkpoint %s%n", s.tokens(), Progress.duration(s.seconds()),
                    s.tokens() / Math.max(s.seconds(), 1e-9),
                    new Checkpointer(folder.checkpoints(), config.keep()).latest().map(Path::toString).orElse("none"));
            return 0;
        }
    }

    /**
     * --out must be a new or empty folder: pretraining never writes over files it did not make. One holding a run
     * is continued with --resume (a fine-tuning run's is named as such); a lock file left by an earlier process does
     * not count (see RunLock).
     */
    private static void requireNoRun(RunFolder folder) {
        Path out = folder.dir();
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
        if (folder.hasRun()) {
            boolean finetune = "finetune".equals(folder.runKind());
            throw new IllegalArgumentException(out + (finetune ? " holds a fine-tuning run: choose another --out"
                    : " already holds a run; add --resume to continue it, or choose another --out"));
        }
        List<String> names = folder.filesBesidesLock(4);
        if (!names.isEmpty()) {
            throw new IllegalArgumentException("--out " + out + " already holds files (" + String.join(", ", names)
                    + ") but no run (no run_config.json): choose a new folder, or delete it first");
        }
    }

    private static jtrain.engine.Device device(PretrainConfig config, String precision) {
        jtrain.engine.Device device = jtrain.cuda.Devices.select(config.device());
        jtrain.cuda.Devices.setPrecision(device, precision, System.err);
        return device;
    }

    /** The line printed when Ctrl-C stops the run: the checkpoint a resume starts from (once a save in flight is done). */
    static String interrupted(RunFolder folder) {
        return InterruptNotice.checkpointLine("pretrain", folder);
    }

    /** --vocab-size and --min-frequency set the tokenizer a run trains: with --tokenizer they would be ignored. */
    private static void refuseTrainingOptionsWithTokenizer(Map<String, Object> given) {
        for (String k : List.of("vocab_size", "min_frequency")) {
            if (given.containsKey(k)) {
                throw new IllegalArgumentException("--tokenizer and --" + k.replace('_', '-') + " cannot be combined: the vocabulary is "
                        + "the --tokenizer folder's (--vocab-size and --min-frequency set the tokenizer a run trains without one)");
            }
        }
    }

    /**
     * The options that shape the model or the tokenizer, which a run with --init takes from its folder: giving one is
     * refused, for a new run and for a resumed one.
     */
    private static void refuseShapeOptionsWithInit(Map<String, Object> given) {
        for (String k : List.of("model", "tokenizer", "vocab_size", "min_frequency")) {
            if (given.containsKey(k)) {
                throw new IllegalArgumentException("--init and --" + k.replace('_', '-') + " cannot be combined: the model and its "
                        + "tokenizer come from the --init folder");
            }
        }
    }

    /** The --init folder's tokenizer; its max_len default: 128, or fewer when the model has fewer positions. */
    private static BertTokenizer initTokenizer(Map<String, Object> given) {
        refuseShapeOptionsWithInit(given);
        Path init = Path.of((String) given.get("init"));
        if (Files.isDirectory(init)) InitFolder.requireModelFolder(init); // a run folder given for one of its checkpoints
        BertConfig model = InitFolder.config(init);
        BertTokenizer tok = TokenizerFiles.load(init);
        given.putIfAbsent("max_len", Math.min(128, model.maxPositionEmbeddings()));
        return tok;
    }

    /** The model's shape, for the line that describes the run. */
    private static BertConfig modelConfig(PretrainConfig config, RunFolder folder, BertTokenizer tok) {
        if (config.init() == null) return config.bertConfig(tok.vocab().size());
        // A resumed run with --init may no longer have the init folder: its checkpoints have the same shape.
        Optional<Path> latest = new Checkpointer(folder.checkpoints(), 1).latest();
        return InitFolder.config(latest.orElse(Path.of(config.init())));
    }

    /** --data files and the --tokenizer and --init folders as absolute paths ("default" stays). */
    @SuppressWarnings("unchecked")
    private static void absolutePaths(Map<String, Object> j) {
        if (j.get("data") instanceof List<?> data) {
            j.put("data", ((List<String>) data).stream().map(d -> d.equals("default") ? d : absolute(d)).toList());
        }
        if (j.get("tokenizer") instanceof String t) j.put("tokenizer", absolute(t));
        if (j.get("init") instanceof String i) j.put("init", absolute(i));
    }

    private static String absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    private static String key(String option) {
        return option.substring(2).replace('-', '_');
    }

    private static PretrainConfig freshConfig(Map<String, Object> given) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("data", List.of("default"));
        if (!given.containsKey("init")) {
            j.put("tokenizer", null);
            j.put("vocab_size", given.containsKey("tokenizer") ? null : 8000);
            j.put("min_frequency", given.containsKey("tokenizer") ? null : 2);
            j.put("model", "mini");
        }
        j.put("max_len", 128);
        j.put("batch", 32);
        j.put("grad_accum", 1);
        j.put("steps", 1000);
        j.put("lr", 5e-4);
        j.put("schedule", "linear");
        j.put("weight_decay", 0.01);
        j.put("clip", 1.0);
        j.put("whole_word", false);
        j.put("log_every", 10);
        j.put("eval_every", 200);
        j.put("save_every", 200);
        j.put("keep", 3);
        j.put("seed", 1L);
        j.put("device", "auto");
        j.put("recompute", false);
        j.putAll(given);
        int steps = ((Number) j.get("steps")).intValue();
        j.putIfAbsent("warmup", Math.max(0, steps / 10));
        // Logging, evaluating or saving less often than the run is long would leave it silent: clamp to the run.
        for (String k : List.of("log_every", "eval_every", "save_every")) {
            if (!given.containsKey(k)) j.put(k, Math.min(((Number) j.get(k)).intValue(), steps));
        }
        return PretrainConfig.fromJson(j, "options");
    }

    /** The run's saved options; options given again must agree, except those that do not change the training. */
    private static PretrainConfig resumedConfig(RunFolder folder, Map<String, Object> given) {
        Map<String, Object> saved = folder.readConfig();
        if ("finetune".equals(saved.get("run"))) {
            throw new IllegalArgumentException(folder.dir() + " holds a fine-tuning run, not a pretraining run (" + folder.runConfig()
                    + "): continue it with ./trainer finetune --out " + folder.dir() + " --resume");
        }
        PretrainConfig savedConfig;
        try {
            savedConfig = PretrainConfig.fromJson(saved, folder.runConfig().toString());
        } catch (IllegalArgumentException e) { // a value no option could have given (an edit): say where it is
            String source = folder.runConfig().toString();
            throw e.getMessage().startsWith(source) ? e : new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        Map<String, Object> normalised = savedConfig.toJson();
        absolutePaths(normalised); // a run saved with relative paths resolves them here, as it always did
        if (normalised.get("init") != null) refuseShapeOptionsWithInit(given);
        if (normalised.get("tokenizer") != null) refuseTrainingOptionsWithTokenizer(given);
        if (given.containsKey("init") && !given.get("init").equals(normalised.get("init"))) {
            Object was = normalised.get("init") != null ? normalised.get("init") : "none (it started from random weights)";
            throw new IllegalArgumentException("--init " + given.get("init") + " differs from the run's " + was + " ("
                    + folder.runConfig() + "); a resumed run keeps its options");
        }
        Map<String, Object> j = new LinkedHashMap<>(normalised);
        j.putAll(given);
        PretrainConfig config = PretrainConfig.fromJson(j, "options");
        Map<String, Object> now = config.toJson();
        int savedSteps = ((Number) normalised.get("steps")).intValue();
        if (config.steps() < savedSteps) {
            throw new IllegalArgumentException("--steps " + config.steps() + " is below the run's " + savedSteps + " (" + folder.runConfig()
                    + "): a resumed run can be extended, not shortened; --stop-after N ends this invocation at step N");
        }
        for (String k : now.keySet()) {
            if (k.equals("steps")) continue; // more steps extend the run (PretrainRun records it in run_config.json)
            if (!FREE_ON_RESUME.contains(k) && !String.valueOf(now.get(k)).equals(String.valueOf(normalised.get(k)))) {
                Object was = normalised.get(k) != null ? normalised.get(k) : k.equals("tokenizer") ? "none (it trained its own)" : "none";
                throw new IllegalArgumentException("--" + k.replace('_', '-') + " " + now.get(k) + " differs from the run's "
                        + was + " (" + folder.runConfig() + "); a resumed run keeps its options");
            }
        }
        return config;
    }

    private static BertTokenizer tokenizer(PretrainConfig config, RunFolder folder, boolean resume, PretrainCorpus corpus, PrintStream out) {
        if (resume) return TokenizerFiles.load(folder.tokenizer());
        if (config.tokenizer() != null) return TokenizerFiles.load(Path.of(config.tokenizer()));
        long t0 = System.nanoTime();
        BertTokenizer tok = TokenizerCommand.train(corpus, config.vocabSize(), config.minFrequency(), TokenizerCommand.DEFAULT_LIMIT_ALPHABET,
                "to keep them, train a tokenizer with ./trainer tokenizer train --limit-alphabet N and give it with --tokenizer DIR", out);
        out.printf("WordPiece vocabulary of %,d tokens trained in %.1f s (saved in the run's tokenizer/)%n", tok.vocab().size(),
                (System.nanoTime() - t0) / 1e9);
        return tok;
    }
}
