package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jtrain.cuda.Devices;
import jtrain.engine.Device;
import jtrain.engine.Rng;
import jtrain.engine.io.Json;
import jtrain.training.data.DataCache;
import jtrain.training.data.DataException;
import jtrain.training.data.Document;
import jtrain.training.data.Split;
import jtrain.training.data.Splits;
import jtrain.training.data.UserData;
import jtrain.training.finetune.AuxMlm;
import jtrain.training.finetune.EncodedSet;
import jtrain.training.finetune.EvalResult;
import jtrain.training.finetune.FineTuneOptions;
import jtrain.training.finetune.FineTuner;
import jtrain.training.finetune.LabelVocab;
import jtrain.training.finetune.MlmProbe;
import jtrain.training.finetune.TaskData;
import jtrain.training.finetune.TaskEncoder;
import jtrain.training.finetune.TaskModels;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.MlmMasking;
import jtrain.training.pretrain.Packing;
import jtrain.training.pretrain.PretrainConfig;
import jtrain.training.run.InterruptNotice;
import jtrain.training.run.MetricsLog;
import jtrain.training.run.Progress;
import jtrain.training.run.RunLock;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.BertTask;
import jtrain.transformer.HfCheckpoint;

/**
 * {@code ./trainer finetune}: trains a sequence or token classifier from a pretrained folder (or from scratch, the
 * baseline), evaluates on dev with early stopping, scores the best model on test and saves it as an HF folder.
 */
public final class FinetuneCommand {
    static final String USAGE = """
            usage: ./trainer finetune --task pos|genre|spam|seq|tok --out DIR
                     [--train FILE --dev FILE [--test FILE]]        (seq: .jsonl/.tsv/.csv, tok: .conll)
                     [--init DIR | --scratch (--init DIR | --tokenizer DIR --model tiny|mini|small|base|L,H,A,I)]
                     [--label-fraction 1] [--epochs 3 | --steps N] [--batch 32] [--grad-accum 1] [--lr 5e-5]
                     [--head-lr-scale 1] [--warmup 0.1] [--weight-decay 0.01] [--clip 1] [--dropout P]
                     [--freeze-embeddings] [--freeze-layers N] [--aux-mlm-weight 0] [--aux-mlm-text FILE]
                     [--max-len 128] [--eval-every N] [--patience 3] [--metric macro_f1|accuracy|loss]
                     [--seed 1] [--split-seed 42] [--cache DIR] [--device auto|cpu|cuda] [--precision fp32|tf32|bf16]
              --init DIR: start from a pretrained HF folder (its encoder and tokenizer; the classifier is new).
              --scratch: same architecture, random weights (config from --init DIR, or --model with --tokenizer).
              --label-fraction F: train on this fraction of the labelled training examples (dev/test unchanged).
              --aux-mlm-weight W: add W x masked-LM loss on unlabeled text (the task's training text, or
                --aux-mlm-text FILE: .txt paragraphs, or the text of .jsonl/.tsv/.csv/.conll; give pretraining
                text for "rehearsal").
              Writes DIR/metrics.jsonl, DIR/results.json and the best model to DIR/model.""";

    private static final Set<String> VALUED = Set.of("--task", "--out", "--train", "--dev", "--test", "--init", "--tokenizer",
            "--model", "--label-fraction", "--epochs", "--steps", "--batch", "--grad-accum", "--lr", "--head-lr-scale",
            "--warmup", "--weight-decay", "--clip", "--dropout", "--freeze-layers", "--aux-mlm-weight", "--aux-mlm-text",
            "--max-len", "--eval-every", "--patience", "--metric", "--seed", "--split-seed", "--cache", "--device", "--precision");
    private static final Set<String> SWITCHES = Set.of("--scratch", "--freeze-embeddings");

    private FinetuneCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            ArgList a = new ArgList(args, VALUED, SWITCHES);
            if (a.help()) {
                out.println(USAGE);
                return 0;
            }
            if (!a.positional().isEmpty()) throw new IllegalArgumentException("unexpected argument '" + a.positional().getFirst() + "'");
            finetune(a, out, err);
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | DataException | ArithmeticException | UncheckedIOException e) {
            Main.printError(err, "trainer finetune: " + e.getMessage(), e);
        } catch (IOException e) {
            Main.printError(err, "trainer finetune: " + e.getMessage(), e);
        }
        return 2;
    }

    static void finetune(ArgList a, PrintStream log, PrintStream notes) throws IOException {
        String task = a.required("--task");
        Path out = Path.of(a.required("--out"));
        requireNewOutput(out);
        try (var notice = InterruptNotice.install(System.err, () -> interrupted(out))) {
            train(a, task, out, log, notes);
        }
    }

    /** The line printed when Ctrl-C stops fine-tuning: what was saved, and what a new start needs. */
    static String interrupted(Path out) {
        Path model = out.resolve("model");
        if (Files.isDirectory(model)) return "trainer finetune: interrupted after the model was saved to " + model;
        if (!Files.exists(out.resolve("metrics.jsonl"))) return "trainer finetune: interrupted before training started; nothing was saved";
        return "trainer finetune: interrupted; no model was saved (the best one is written when training ends); " + out
                + " holds the metrics so far: delete it, or choose another --out, to start again";
    }

    /** log: progress and results; notes (stderr): warnings about the options. */
    private static void train(ArgList a, String task, Path out, PrintStream log, PrintStream notes) throws IOException {
        FineTuneOptions o = options(a);
        if (a.has("--steps") && o.steps < 1) throw new IllegalArgumentException("--steps must be at least 1 (leave it out to train --epochs)");
        int maxLen = a.integer("--max-len", 128);
        double fraction = a.number("--label-fraction", 1);
        Double dropout = a.has("--dropout") ? a.number("--dropout", 0.1) : null;
        if (a.has("--max-len") && maxLen < 3) throw new IllegalArgumentException("--max-len must be at least 3 ([CLS], a token, [SEP]), got " + maxLen);
        if (dropout != null && !(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        if (a.has("--aux-mlm-text") && !(o.auxMlmWeight > 0))
            throw new IllegalArgumentException("--aux-mlm-text is the text of the auxiliary masked-LM loss: give --aux-mlm-weight W > 0 with it");
        String init = a.string("--init", null);
        boolean scratch = a.has("--scratch");
        if (init == null && !scratch) throw new IllegalArgumentException("give --init DIR (pretrained folder) or --scratch");
        if (scratch && init == null && (!a.has("--tokenizer") || !a.has("--model")))
            throw new IllegalArgumentException("--scratch needs --init DIR (for its architecture and tokenizer) or --tokenizer DIR and --model SIZE");
        if (init != null) requireModelFolder(Path.of(init));
        String shape = a.string("--model", "tiny");
        if (init == null) {
            int heads = PretrainConfig.modelShape(shape)[2]; // a bad --model fails before any data work
            String note = LongSequenceNote.of(maxLen, heads);
            if (note != null) notes.println(note);
        }
        if (init != null && (a.has("--model") || a.has("--tokenizer")))
            log.println("note: --model and --tokenizer are not used with --init (its config and tokenizer are)");
        Device device = Devices.select(a.string("--device", "auto")); // before any data work: a bad choice fails at once
        Devices.setPrecision(device, a.string("--precision", "fp32"), notes);

        TaskData data = TaskData.load(task, DataCache.open(DataCache.defaultRoot(a.string("--cache", null))), userFiles(a),
                a.integer("--split-seed", (int) Splits.DEFAULT_SEED));
        TaskData.Files given = userFiles(a);
        if (data.size(Split.TRAIN) == 0) throw new DataException(task + ": no training examples (" + orFlag(given.train(), "--train") + ")");
        if (data.size(Split.DEV) == 0) throw new DataException(task + ": no dev examples (" + orFlag(given.dev(), "--dev") + ")");
        LabelVocab labels = data.labelVocab();
        TaskData labelled = data.withLabelFraction(fraction, o.seed);
        log.printf("%s: %,d training examples (label fraction %s of %,d), %,d dev, %,d test; %d labels%n", task,
                labelled.size(Split.TRAIN), fraction, data.size(Split.TRAIN), data.size(Split.DEV), data.size(Split.TEST), labels.size());

        Path tokDir = Path.of(init != null ? init : a.string("--tokenizer", null));
        BertTokenizer tok = TokenizerFiles.load(tokDir);
        if (init != null) TaskModels.requireTokenizerFits(tok, HfCheckpoint.readConfig(Path.of(init)), tokDir);
        BertTask model;
        if (scratch) {
            BertConfig config = init != null ? HfCheckpoint.readConfig(Path.of(init))
                    : TaskModels.size(shape, tok.vocab().size(), Math.max(maxLen, 128));
            model = TaskModels.fromScratch(data.kind(), config, labels, dropout, o.seed);
        } else {
            model = TaskModels.fromPretrained(data.kind(), Path.of(init), labels, dropout, o.seed);
        }
        model.to(device);
        int positions = model.config.maxPositionEmbeddings();
        if (maxLen > positions && a.has("--max-len"))
            throw new IllegalArgumentException("--max-len " + maxLen + " exceeds the model's " + positions + " positions");
        maxLen = Math.min(maxLen, positions); // the default follows a shorter model, as in eval
        log.printf("model: %s, %d layers, hidden %d, %,d parameters, %s%n", data.kind().architecture, model.config.numHiddenLayers(),
                model.config.hiddenSize(), model.parameterCount(), scratch ? "random initialisation" : "encoder from " + init);

        TaskEncoder encoder = new TaskEncoder(tok, labels, maxLen);
        int padId = tok.vocab().id(tok.specialTokens().pad());
        EncodedSet train = labelled.encode(encoder, Split.TRAIN), dev = labelled.encode(encoder, Split.DEV),
                test = labelled.encode(encoder, Split.TEST);
        for (var e : List.of(Map.entry("train", train), Map.entry("dev", dev), Map.entry("test", test))) {
            if (e.getValue().truncated() > 0)
                log.printf("%s: %,d of %,d examples truncated to %d tokens%s%n", e.getKey(), e.getValue().truncated(), e.getValue().size(),
                        maxLen, e.getValue().lostWords() > 0 ? " (" + e.getValue().lostWords() + " words cut off, not scored)" : "");
        }

        FineTuner tuner = new FineTuner(model, data.kind(), labels, padId, o);
        if (!tuner.frozenParameters().isEmpty()) log.printf("frozen: %d parameter tensors%n", tuner.frozenParameters().size());
        if (o.auxMlmWeight > 0) tuner.withAuxMlm(auxMlm(a, model, tok, labelled, init, maxLen, o, log));

        FineTuner.Result r;
        try (RunLock lock = lockNewOutput(out); MetricsLog metrics = new MetricsLog(out.resolve("metrics.jsonl"), false)) {
            r = tuner.train(train.examples(), dev.examples(), metrics, new Progress(log, 20));
            EvalResult testResult = test.size() == 0 ? null : tuner.evaluate(test.examples());
            Map<String, Object> fin = new LinkedHashMap<>();
            fin.put("step", r.bestStep());
            fin.putAll(r.bestDev().toMap("best_dev"));
            if (testResult != null) fin.putAll(testResult.toMap("test"));
            metrics.write(fin);
            Path modelDir = out.resolve("model");
            TaskModels.save(model, tok, modelDir);
            writeResults(out, task, fraction, r, testResult, train, dev, test, labels);
            log.printf("best dev (step %d of %d%s): %s%n", r.bestStep(), r.stepsRun(), r.stoppedEarly() ? ", stopped early" : "", r.bestDev().describe());
            if (testResult != null) log.println("test with the best model: " + testResult.describe());
            log.println("model saved to " + modelDir + "; try: ./trainer predict --model " + modelDir + " \"some text\"");
        }
    }

    /**
     * Locks --out (created here) for this process and checks it is still new: another process may have locked it
     * (an error naming it), or filled it since the first check.
     */
    private static RunLock lockNewOutput(Path out) throws IOException {
        RunLock lock = RunLock.acquire(out, "finetune");
        try {
            requireNewOutput(out);
            return lock;
        } catch (IllegalArgumentException | IOException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * --out must be a new or empty folder: fine-tuning never writes over another run's files. A lock file left by
     * an earlier process does not count (it only matters while that process runs; see RunLock).
     */
    static void requireNewOutput(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
        if (Files.isDirectory(out)) {
            try (var entries = Files.list(out)) {
                List<String> names = entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(RunLock.FILE))
                        .sorted().limit(4).toList();
                if (!names.isEmpty()) {
                    throw new IllegalArgumentException("--out " + out + " already holds files (" + String.join(", ", names)
                            + "): choose a new folder, or delete it first");
                }
            }
        }
    }

    /** --init must be a model folder (config.json); a pretraining run's folder gets a pointer to its checkpoints. */
    private static void requireModelFolder(Path init) {
        if (!Files.exists(init)) throw new IllegalArgumentException("--init " + init + ": no such folder");
        if (!Files.isDirectory(init)) throw new IllegalArgumentException("--init " + init + " is a file, not a model folder");
        if (!Files.isRegularFile(init.resolve(HfCheckpoint.CONFIG))) {
            String hint = Files.isDirectory(init.resolve("checkpoints"))
                    ? " (it looks like a pretraining run: give one of its checkpoints, e.g. " + init.resolve("checkpoints").resolve("step-N") + ")" : "";
            throw new IllegalArgumentException("--init " + init + " holds no " + HfCheckpoint.CONFIG + hint);
        }
    }

    static FineTuneOptions options(ArgList a) {
        FineTuneOptions o = new FineTuneOptions();
        o.batchSize = a.integer("--batch", o.batchSize);
        o.gradAccum = a.integer("--grad-accum", o.gradAccum);
        o.epochs = a.integer("--epochs", o.epochs);
        o.steps = a.integer("--steps", o.steps);
        o.lr = a.number("--lr", o.lr);
        o.headLrScale = a.number("--head-lr-scale", o.headLrScale);
        o.warmupFraction = a.number("--warmup", o.warmupFraction);
        o.weightDecay = a.number("--weight-decay", o.weightDecay);
        o.clipNorm = a.number("--clip", o.clipNorm);
        o.evalEvery = a.integer("--eval-every", o.evalEvery);
        o.patience = a.integer("--patience", o.patience);
        o.metric = a.string("--metric", o.metric);
        o.freezeEmbeddings = a.has("--freeze-embeddings");
        o.freezeLayers = a.integer("--freeze-layers", o.freezeLayers);
        o.auxMlmWeight = a.number("--aux-mlm-weight", o.auxMlmWeight);
        o.seed = a.integer("--seed", (int) o.seed);
        return o;
    }

    /** The MLM head on the task model's encoder, pretrained head weights when --init has them, fed packed text. */
    private static AuxMlm auxMlm(ArgList a, BertTask model, BertTokenizer tok, TaskData data, String init, int maxLen,
                                 FineTuneOptions o, PrintStream log) throws IOException {
        BertForMaskedLM head = new BertForMaskedLM(model.bert, new Rng(o.seed + 4), model.dropoutRng());
        head.to(model.bert.embeddings.wordEmbeddings.weight.device()); // the new head joins the shared encoder's device
        boolean pretrainedHead = init != null && !a.has("--scratch") && MlmProbe.loadHead(head, Path.of(init));
        List<String> texts = new ArrayList<>();
        String file = a.string("--aux-mlm-text", null);
        if (file != null) for (Document d : UserData.documents(Path.of(file), true)) texts.add(d.text());
        else texts.addAll(data.trainText());
        List<int[]> seqs = Packing.packDocuments(tok, texts.stream().map(t -> new Document("aux", "aux", t)).toList(), maxLen);
        log.printf("auxiliary MLM (weight %s): %,d packed sequences from %s, %s head%n", o.auxMlmWeight, seqs.size(),
                file != null ? file : "the training text", pretrainedHead ? "pretrained" : "new");
        return new AuxMlm(head, seqs, MlmBatch.Vocab.of(tok), new MlmMasking(0.15, false), o.auxMlmWeight,
                o.auxMlmBatch > 0 ? o.auxMlmBatch : o.batchSize, o.seed + 3);
    }

    private static void writeResults(Path out, String task, double fraction, FineTuner.Result r, EvalResult test,
                                     EncodedSet train, EncodedSet dev, EncodedSet testSet, LabelVocab labels) throws IOException {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("task", task);
        j.put("labels", labels.names());
        j.put("label_fraction", fraction);
        j.put("train_examples", train.size());
        j.put("truncated", Map.of("train", train.truncated(), "dev", dev.truncated(), "test", testSet.truncated()));
        j.put("steps_run", r.stepsRun());
        j.put("planned_steps", r.plannedSteps());
        j.put("stopped_early", r.stoppedEarly());
        j.put("best_step", r.bestStep());
        j.putAll(r.bestDev().toMap("dev"));
        if (test != null) j.putAll(test.toMap("test"));
        Files.writeString(out.resolve("results.json"), Json.writePretty(j));
    }

    /** Where examples were looked for: the file given (a header alone has none), else the option that gives one. */
    private static String orFlag(Path file, String flag) {
        return file != null ? "none in " + file : flag + " FILE";
    }

    static TaskData.Files userFiles(ArgList a) {
        String train = a.string("--train", null), dev = a.string("--dev", null), test = a.string("--test", null);
        return new TaskData.Files(train == null ? null : Path.of(train), dev == null ? null : Path.of(dev), test == null ? null : Path.of(test));
    }
}
