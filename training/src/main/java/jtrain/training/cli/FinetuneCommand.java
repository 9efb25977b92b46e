package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jtrain.engine.io.AtomicFiles;
import jtrain.engine.io.Json;
import jtrain.training.baseline.Baseline;
import jtrain.training.data.DataException;
import jtrain.training.finetune.EvalResult;
import jtrain.training.finetune.FineTuner;
import jtrain.training.finetune.TaskData;
import jtrain.training.finetune.TaskExample;
import jtrain.training.finetune.TaskKind;
import jtrain.training.finetune.TaskModels;
import jtrain.training.run.CheckpointException;
import jtrain.training.run.Checkpointer;
import jtrain.training.run.FineTuneRun;
import jtrain.training.run.InterruptNotice;
import jtrain.training.run.MetricsLog;
import jtrain.training.run.Progress;
import jtrain.training.run.RunFolder;
import jtrain.training.run.RunLock;
import jtrain.transformer.StateDict;

/**
 * {@code ./trainer finetune}: trains a sequence or token classifier from a pretrained folder (or from scratch, the
 * baseline), evaluates on dev with early stopping, scores the best model on test and saves it as an HF folder.
 * Checkpoints in OUT/checkpoints let {@code --resume} continue a stopped run exactly.
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
                     [--problem single_label|regression|multi_label]   (sequence tasks)
                     [--seed 1] [--split-seed 42] [--cache DIR] [--device auto|cpu|cuda] [--precision fp32|tf32|bf16]
                     [--save-every 200] [--keep 3] [--stop-after N] [--recompute]
                   ./trainer finetune --out DIR --resume [--stop-after N] [--epochs N | --steps N] [--recompute | --no-recompute]
              --init DIR: start from a pretrained HF folder (its encoder and tokenizer; the classifier is new).
              --scratch: same architecture, random weights (config from --init DIR, or --model with --tokenizer).
              --label-fraction F: train on this fraction of the labelled training examples (dev/test unchanged).
              --aux-mlm-weight W: add W x masked-LM loss on unlabeled text (the task's training text, or
                --aux-mlm-text FILE: .txt paragraphs, or the text of .jsonl/.tsv/.csv/.conll; give pretraining
                text for "rehearsal").
              --problem regression: the label is a number (a score; JSONL "label" or "score", a .tsv/.csv column
                "label", or "score" as in GLUE STS-B), or K numbers for K outputs (a JSONL list [0.5, 2], or "0.5,2"
                in a .tsv/.csv field), the same K in every example; mean squared error over all outputs; dev
                metrics pearson (the default --metric), spearman, mse (with K > 1 each the mean over the outputs).
              --problem multi_label: an example has any number of labels, a JSONL list ("label": ["a", "b"], []
                for none) or comma-separated in a .tsv/.csv label field ("a,b", empty for none); one output per
                label, binary cross-entropy; a label is predicted when its sigmoid probability is above 0.5; dev
                metrics micro_f1 (the default), macro_f1, exact_match.
              --recompute: activation checkpointing: keep only each encoder layer's input and run the layer again in
                backward (less memory, about one more forward pass of time, the same results bit for bit).
              --save-every N, --keep K: a checkpoint every N steps (and when training ends), the newest K kept.
              --resume: continue DIR from its latest checkpoint, exactly as if never stopped (the options are
                DIR/run_config.json's; one given again must agree, except --save-every, --keep, --cache, --device,
                --precision and --recompute, which --no-recompute turns off).
              --resume --epochs N or --steps N above the run's: extend it (finished or not, unless it stopped early):
                the learning rate follows the new length's schedule from the latest checkpoint on.
              --stop-after N: stop this invocation after step N (a checkpoint is saved there).
              Writes DIR/run_config.json, DIR/metrics.jsonl, DIR/checkpoints/step-N, and when training ends
              DIR/results.json and the best model to DIR/model.""";

    static final Set<String> VALUED = union(FinetuneConfig.valued(), Set.of("--out", "--stop-after", "--precision"));
    static final Set<String> SWITCHES = union(FinetuneConfig.switches(), Set.of("--resume"));

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
            finetune(a, out, err, s -> {});
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | DataException | ArithmeticException | CheckpointException
                 | UncheckedIOException e) {
            Main.printError(err, "trainer finetune: " + e.getMessage(), e);
        } catch (IOException e) {
            Main.printError(err, "trainer finetune: " + e.getMessage(), e);
        }
        return 2;
    }

    /** log: progress and results; notes (stderr): warnings about the options; afterStep: tests simulate crashes with it. */
    static void finetune(ArgList a, PrintStream log, PrintStream notes, FineTuner.StepHook afterStep) throws IOException {
        boolean resume = a.has("--resume");
        FinetuneConfig fresh = resume ? null : FinetuneConfig.fromArgs(a);
        String out = a.required("--out");
        if (out.isBlank()) throw new IllegalArgumentException("--out needs a folder name, got '" + out + "'");
        RunFolder folder = new RunFolder(Path.of(out));
        int stopAfter = a.integer("--stop-after", Integer.MAX_VALUE);
        if (stopAfter < 1) throw new IllegalArgumentException("--stop-after must be positive, got " + stopAfter);
        String precision = a.string("--precision", "fp32");
        String lengthNote = lengthNote(a);
        if (lengthNote != null) log.println(lengthNote);
        try (var notice = InterruptNotice.install(System.err, () -> interrupted(folder))) {
            if (resume) resume(folder, a, stopAfter, precision, afterStep, log, notes);
            else start(folder, fresh, stopAfter, precision, afterStep, log, notes);
        }
    }

    /**
     * Both --steps and --epochs given, to a new run or a resumed one: --steps sets the length (FineTuner plans it so)
     * and both are recorded in run_config.json, so one line says which applies rather than leave it to be guessed.
     */
    static String lengthNote(ArgList a) {
        if (!a.has("--steps") || !a.has("--epochs")) return null;
        return "note: --steps " + a.integer("--steps", 0) + " and --epochs " + a.integer("--epochs", 0) + " both given: --steps sets the "
                + "run's length, as it always does; --epochs is recorded in run_config.json but not used";
    }

    /** A new run: the folder is checked, everything is built (bad data fails here), then the folder is locked and written. */
    private static void start(RunFolder folder, FinetuneConfig config, int stopAfter, String precision, FineTuner.StepHook afterStep,
                              PrintStream log, PrintStream notes) throws IOException {
        RunLock.requireNotHeld(folder.dir()); // a run being written: "in use" says more than what its files show
        requireNewOutput(folder); // before any data work; checked again under the lock
        FinetuneJob job = FinetuneJob.prepare(config, precision, log, notes);
        try (RunLock lock = lockNewOutput(folder)) {
            folder.writeConfig(config.withStartSha256(StateDict.sha256(job.model())).toJson());
            trainAndFinish(folder, config, job, false, stopAfter, afterStep, log);
        }
    }

    /** Continues the run in folder with its saved options, unless it has finished. */
    private static void resume(RunFolder folder, ArgList a, int stopAfter, String precision, FineTuner.StepHook afterStep,
                               PrintStream log, PrintStream notes) throws IOException {
        if (!folder.hasRun()) folder.readConfig(); // the "no run to resume" error, without creating the folder
        // Locked before the folder is read: a run being written by another process must not be resumed.
        try (RunLock lock = RunLock.acquire(folder.dir(), "finetune --resume")) {
            FinetuneConfig config = FinetuneConfig.resumed(folder, a);
            boolean extend = config.lengthChanged();
            if (Files.exists(results(folder)) && !extend) {
                log.println(folder.dir() + ": the run is complete (" + results(folder).getFileName() + " is written), nothing is "
                        + "left to train; its best model is " + folder.dir().resolve("model")
                        + (stoppedEarly(folder) ? " (it stopped early)" : " (more --steps or --epochs extend it)"));
                return;
            }
            FinetuneJob job = FinetuneJob.prepare(config, precision, log, notes);
            requireSameStart(folder, config, job);
            if (extend && !FinetuneExtension.apply(folder, config, job, stopAfter, log)) return;
            trainAndFinish(folder, config, job, true, stopAfter, afterStep, log);
        }
    }

    /** Trains (this invocation's part); when training has ended, scores the best model on test and saves it. */
    private static void trainAndFinish(RunFolder folder, FinetuneConfig config, FinetuneJob job, boolean resume, int stopAfter,
                                       FineTuner.StepHook afterStep, PrintStream log) throws IOException {
        var inv = new FineTuneRun.Invocation(resume, stopAfter, config.integer("--save-every"), config.integer("--keep"),
                new Progress(log, 20), afterStep);
        FineTuner.Result r = FineTuneRun.train(folder, job.tuner(), job.tokenizer(), job.train().examples(), job.dev().examples(), inv);
        if (!r.finished()) {
            log.printf("stopped after step %d of %d (checkpoint %s); continue with: ./trainer finetune --out %s --resume%n", r.stepsRun(),
                    r.plannedSteps(), folder.checkpoints().resolve("step-" + r.stepsRun()), folder.dir());
            return;
        }
        EvalResult testResult = job.test().size() == 0 ? null : job.tuner().evaluate(job.test().examples());
        Map<String, Object> baseline = testResult == null ? null : baseline(job, config.text("--metric"));
        Map<String, Object> fin = new LinkedHashMap<>();
        fin.put("step", r.bestStep());
        fin.putAll(r.bestDev().toMap("best_dev"));
        if (testResult != null) fin.putAll(testResult.toMap("test"));
        try (MetricsLog metrics = new MetricsLog(folder.metrics(), true)) {
            metrics.write(fin);
        }
        Path modelDir = folder.dir().resolve("model");
        TaskModels.save(job.model(), job.tokenizer(), modelDir);
        writeResults(folder, job, r, testResult, baseline); // last: its presence marks the run finished
        log.printf("best dev (step %d of %d%s): %s%n", r.bestStep(), r.stepsRun(), r.stoppedEarly() ? ", stopped early" : "", r.bestDev().describe());
        if (testResult != null) log.println("test with the best model: " + testResult.describe());
        if (baseline != null) {
            log.printf("test without a network (%s, fitted on the same labelled examples): accuracy %.2f%%, macro-F1 %.2f%%%n",
                    baseline.get("description"), 100 * (double) baseline.get("test_accuracy"),
                    100 * (double) baseline.get("test_macro_f1"));
        }
        log.println("model saved to " + modelDir + "; try: ./trainer predict --model " + modelDir + " \"some text\"");
    }

    /**
     * A run resumed before its first checkpoint starts again from step 0, whose weights (the --init folder's encoder
     * and the seeded head) must be those it started with.
     */
    private static void requireSameStart(RunFolder folder, FinetuneConfig config, FinetuneJob job) {
        if (new Checkpointer(folder.checkpoints(), 1).latest().isPresent() || config.startSha256() == null) return;
        String now = StateDict.sha256(job.model());
        if (!now.equals(config.startSha256())) {
            throw new IllegalArgumentException("the run has no checkpoint yet, so it starts again from step 0, but the model built from "
                    + (config.has("--init") ? "--init " + config.path("--init") : "its options") + " differs from the one it started with (SHA-256 "
                    + now + ", recorded " + config.startSha256() + " in " + folder.runConfig() + ")");
        }
    }

    /** Whether the finished run's results.json says early stopping ended it (false when it cannot be read). */
    private static boolean stoppedEarly(RunFolder folder) {
        try {
            return Boolean.TRUE.equals(Json.readObject(results(folder)).get("stopped_early"));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The line printed when Ctrl-C stops fine-tuning: what was saved, and how to continue. */
    static String interrupted(RunFolder folder) {
        Path model = folder.dir().resolve("model");
        if (Files.exists(results(folder))) return "trainer finetune: interrupted after the run finished; its best model is " + model;
        return InterruptNotice.checkpointLine("finetune", folder);
    }

    static Path results(RunFolder folder) {
        return folder.dir().resolve("results.json");
    }

    /**
     * Locks --out (created here) for this process and checks it is still new: another process may have locked it
     * (an error naming it), or filled it since the first check.
     */
    private static RunLock lockNewOutput(RunFolder folder) throws IOException {
        RunLock lock = RunLock.acquire(folder.dir(), "finetune");
        try {
            requireNewOutput(folder);
            return lock;
        } catch (IllegalArgumentException | IOException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * --out must be a new or empty folder: fine-tuning never writes over another run's files. A fine-tuning run
     * there is named, finished (nothing to do) or not (--resume continues it). A lock file left by an earlier process
     * does not count (it only matters while that process runs; see RunLock).
     */
    static void requireNewOutput(RunFolder folder) throws IOException {
        Path out = folder.dir();
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
        if (!Files.isDirectory(out)) return;
        if (isFinetuneRun(folder)) {
            throw new IllegalArgumentException("--out " + out + (Files.exists(results(folder))
                    ? " already holds a finished fine-tuning run (its results.json and model/): choose another --out, or delete it first"
                    : " already holds an unfinished fine-tuning run: add --resume to continue it, or choose another --out"));
        }
        List<String> names = folder.filesBesidesLock(4);
        if (!names.isEmpty()) {
            throw new IllegalArgumentException("--out " + out + " already holds files (" + String.join(", ", names)
                    + "): choose a new folder, or delete it first");
        }
    }

    private static boolean isFinetuneRun(RunFolder folder) {
        return FinetuneConfig.RUN.equals(folder.runKind());
    }

    /**
     * The baseline without a network ({@link Baseline}) fitted on the run's training examples and scored on its test
     * examples, as results.json's "baseline"; null where it does not apply (regression and multi-label examples) or
     * would need more than 2^25 counts (labels x vocabulary).
     */
    static Map<String, Object> baseline(FinetuneJob job, String metric) {
        List<TaskExample> train = job.train().examples(), test = job.test().examples();
        if (train.isEmpty() || test.isEmpty() || train.getFirst().targets() != null) return null;
        if ((long) job.labels().size() * job.tokenizer().vocab().size() > (1L << 25)) return null;
        TaskKind kind = train.getFirst().wordIds() != null ? TaskKind.TOKEN : TaskKind.SEQUENCE;
        Baseline b = Baseline.fit(kind, train, job.dev().examples(), job.labels().size(), job.tokenizer(), metric.equals("accuracy") ? metric : "macro_f1");
        EvalResult t = b.predict(test).asEvalResult(job.labels().size());
        Map<String, Object> m = new LinkedHashMap<>(b.details());
        m.put("description", b.describe());
        m.put("test_accuracy", t.accuracy());
        m.put("test_macro_f1", t.macroF1()); // no time: a resumed run's results.json is byte for byte an uninterrupted one's
        return m;
    }

    private static void writeResults(RunFolder folder, FinetuneJob job, FineTuner.Result r, EvalResult test, Map<String, Object> baseline) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("task", job.task());
        j.put("labels", job.labels().names());
        j.put("label_fraction", job.labelFraction());
        j.put("train_examples", job.train().size());
        Map<String, Object> truncated = new LinkedHashMap<>(); // in this order in every run (Map.of's order varies between JVMs)
        truncated.put("train", job.train().truncated());
        truncated.put("dev", job.dev().truncated());
        truncated.put("test", job.test().truncated());
        j.put("truncated", truncated);
        j.put("steps_run", r.stepsRun());
        j.put("planned_steps", r.plannedSteps());
        j.put("stopped_early", r.stoppedEarly());
        j.put("best_step", r.bestStep());
        j.putAll(r.bestDev().toMap("dev"));
        if (test != null) j.putAll(test.toMap("test"));
        if (baseline != null) j.put("baseline", baseline);
        AtomicFiles.write(results(folder), Json.writePretty(j).getBytes(StandardCharsets.UTF_8));
    }

    /** The --train, --dev and --test files as given (eval reads them too). */
    static TaskData.Files userFiles(ArgList a) {
        String train = a.string("--train", null), dev = a.string("--dev", null), test = a.string("--test", null);
        return new TaskData.Files(train == null ? null : Path.of(train), dev == null ? null : Path.of(dev), test == null ? null : Path.of(test));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
