package jtrain.training.study;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.engine.Flops;
import jtrain.engine.Rng;
import jtrain.engine.backend.Backends;
import jtrain.engine.io.IoErrors;
import jtrain.training.baseline.Baseline;
import jtrain.training.baseline.Predictions;
import jtrain.training.data.Document;
import jtrain.training.data.Split;
import jtrain.training.finetune.AuxMlm;
import jtrain.training.finetune.EvalResult;
import jtrain.training.finetune.FineTuneOptions;
import jtrain.training.finetune.FineTuner;
import jtrain.training.finetune.LabelVocab;
import jtrain.training.finetune.MlmProbe;
import jtrain.training.finetune.TaskData;
import jtrain.training.finetune.TaskEncoder;
import jtrain.training.finetune.TaskExample;
import jtrain.training.finetune.TaskModels;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.MlmEvaluator;
import jtrain.training.pretrain.MlmMasking;
import jtrain.training.pretrain.Packing;
import jtrain.training.pretrain.Pretrainer;
import jtrain.training.run.MetricsLog;
import jtrain.training.run.Progress;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.training.tokenizer.WordPieceTrainer;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.BertTask;
import jtrain.transformer.HfCheckpoint;

/**
 * The pretraining-versus-fine-tuning study, end to end: tokenizer, MLM pretraining, fine-tuning of three tasks at
 * several label budgets from the pretrained encoder and from scratch (and, as a baseline, without a network),
 * forgetting under four fine-tuning variants, continual pretraining on e-mail, compute per phase. Every unit of work
 * stores its result (see PhaseStore), so a rerun skips what is done. {@link StudyReport} turns the results into the
 * report.
 */
public final class Study {
    static final List<String> TASKS = List.of("pos", "genre", "spam");
    static final double AUX_WEIGHT = 0.5;
    static final List<String> FORGETTING_VARIANTS = List.of("full", "frozen", "hybrid", "rehearsal");

    private final StudyPreset p;
    private final Path out;
    private final long seed;
    private final PrintStream log;
    private final PhaseStore store;
    private final Progress progress;

    private BertTokenizer tok;
    private Map<String, TaskData> tasks;
    private List<int[]> pretrainSeqs, heldOutSeqs, emailSeqs;
    /** Documents of the held-out MLM text: the hybrid variant's extra MLM loss must not train on them. */
    private java.util.Set<String> heldOutIds;
    private MlmEvaluator heldOutEval;
    /** Each fine-tuning run's test predictions, by run name, for the bootstrap intervals. */
    private final Map<String, TestUnits> testUnits = new java.util.HashMap<>();
    /** The key of a run's stored result that holds its per-example test predictions ({@link TestUnits}). */
    static final String TEST_UNITS = "test_units";
    /** The held-out MLM loss per sequence after a forgetting run, for the forgetting intervals ({@link TestUnits.MlmLoss}). */
    static final String MLM_UNITS = "mlm_units";
    /** Held-out MLM losses per sequence by run name, and of the pretrained encoder under {@link #PRETRAINED}. */
    private final Map<String, TestUnits> mlmUnits = new java.util.HashMap<>();
    static final String PRETRAINED = "pretrained-encoder", CONTINUAL = "email-adapted-encoder";

    public Study(StudyPreset preset, Path out, long seed, PrintStream log) {
        this.p = preset;
        this.out = out;
        this.seed = seed;
        this.log = log;
        this.store = new PhaseStore(out);
        this.progress = new Progress(log, 30);
    }

    private jtrain.engine.Device device = jtrain.engine.Device.CPU;

    /** Trains and evaluates on this device (the CPU by default); returns this study. */
    public Study on(jtrain.engine.Device target) {
        this.device = target;
        return this;
    }

    /** Runs (or resumes) every phase and returns the summary the report is built from. */
    public Map<String, Object> run(StudyData data) throws IOException {
        t0 = System.nanoTime();
        Files.createDirectories(out);
        requireUsableOut();
        Path studyJson = out.resolve("study.json"); // written before anything else: it marks the folder as a study's
        if (!Files.exists(studyJson)) Files.writeString(studyJson, jtrain.engine.io.Json.writePretty(settings()));
        Map<String, Object> time = store.get(WALL_TIME);
        earlierInvocations = new ArrayList<>(time == null ? List.of() : (List<?>) time.get("invocations_seconds"));
        int stored = storedUnits(out);
        if (stored > 0) log.printf("resuming %s: %d finished units in %s are reused, the rest is run%n", out, stored, store.dir());
        prepare(data);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("preset", p.name());
        summary.put("study_seed", seed);
        summary.put("model", p.model());
        summary.put("seeds", p.seeds());
        summary.put("device", device.isCpu() ? "cpu (" + Backends.cpu().name() + " backend, " + Runtime.getRuntime().availableProcessors() + " threads)"
                : device + " (" + Backends.forDevice(device).name() + " backend)");
        summary.put("finetune_settings", new java.util.TreeMap<>(Map.of("epochs", p.ftEpochs(), "max_steps", p.ftMaxSteps(), "batch", p.ftBatch(), "lr", p.ftLr())));
        summary.put("pretraining", pretrain());
        summary.put("baselines", baselines());
        List<Object> runs = new ArrayList<>();
        for (String task : TASKS) {
            for (double budget : p.budgets()) {
                for (String init : List.of("pretrained", "scratch")) {
                    for (long s : p.seeds()) runs.add(finetune(task, budget, init, s, "full"));
                }
            }
        }
        summary.put("finetune", runs);
        summary.put("forgetting", forgetting());
        summary.put("continual", continual());
        summary.put("intervals", StudyIntervals.compute(this::unitsOf, this::mlmUnitsOf, p.seeds(), TASKS, p.budgets(), FORGETTING_VARIANTS,
                p.budgets().stream().filter(b -> b < 1).toList()));
        List<Object> invocations = recordWallTime();
        summary.put("study_seconds", invocations.stream().mapToDouble(x -> ((Number) x).doubleValue()).sum());
        summary.put("invocations", invocations.size());
        return summary;
    }

    /** The stored result holding each invocation's wall time. */
    static final String WALL_TIME = "wall-time";
    private long t0;
    private List<Object> earlierInvocations = List.of();

    /**
     * Stores the wall time of every invocation, this one's up to now. Called after each finished unit as well as at
     * the end, so an interrupted invocation still counts the time of the units it stored (and a resumed study adds its
     * own time to theirs); only the unit in progress when it stopped is lost, with its time.
     */
    private List<Object> recordWallTime() {
        List<Object> invocations = new ArrayList<>(earlierInvocations);
        invocations.add((System.nanoTime() - t0) / 1e9);
        store.put(WALL_TIME, Map.of("invocations_seconds", invocations));
        return invocations;
    }

    /** The finished units (phases and fine-tuning runs) stored in out/results; 0 where there is none or it cannot be read. */
    public static int storedUnits(Path out) {
        Path dir = new PhaseStore(out).dir();
        if (!Files.isDirectory(dir)) return 0;
        try (var files = Files.list(dir)) {
            return (int) files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json") && !f.equals(WALL_TIME + ".json")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * A rerun reuses the results in OUT, so they must come from the same settings: study.json records the preset
     * (every field) and the seed, and a study with other settings is refused rather than mixed in; so is a folder of
     * other files. Nothing is written: the command checks this before it fetches or reads any data.
     */
    public void requireUsableOut() throws IOException {
        Path f = out.resolve("study.json");
        Map<String, Object> settings = settings();
        if (Files.exists(f)) {
            Map<String, Object> before = jtrain.engine.io.Json.readObject(f);
            if (!String.valueOf(before.get("preset")).equals(settings.get("preset")) || !String.valueOf(before.get("seed")).equals(String.valueOf(seed))) {
                throw new IllegalArgumentException(out + " holds a study with other settings (" + f + ": " + before.get("preset") + ", seed "
                        + before.get("seed") + "); give another --out, or the same --preset and --seed to resume it");
            }
        } else if (store.has("pretrain")) {
            throw new IllegalArgumentException(out + " holds study results without " + f.getFileName() + " (an older version): give another --out");
        } else {
            // Not a study's folder (a study writes study.json before anything else): the study's files are not mixed in.
            List<String> others = new jtrain.training.run.RunFolder(out).filesBesidesLock(4);
            if (!others.isEmpty()) {
                throw new IllegalArgumentException("--out " + out + " already holds files (" + String.join(", ", others) + ") but no study (no "
                        + f.getFileName() + "): choose a new folder, or delete it first");
            }
        }
    }

    /** What study.json records. */
    private Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("preset", p.toString());
        settings.put("seed", seed);
        return settings;
    }

    // ---- data ----------------------------------------------------------------------------------------------

    private void prepare(StudyData data) throws IOException {
        tasks = data.tasks();
        Path tokDir = out.resolve("tokenizer");
        if (Files.exists(tokDir.resolve(TokenizerFiles.VOCAB_TXT))) {
            tok = TokenizerFiles.load(tokDir);
        } else {
            log.println("== tokenizer");
            long t = System.nanoTime();
            tok = new WordPieceTrainer().vocabSize(p.vocabSize()).minFrequency(2).train(data.pretrain().stream().map(Document::text).toList());
            TokenizerFiles.save(tok, tokDir);
            log.printf("WordPiece vocabulary of %,d tokens in %.1f s%n", tok.vocab().size(), (System.nanoTime() - t) / 1e9);
        }
        pretrainSeqs = pack(data.pretrain());
        heldOutSeqs = spread(pack(data.heldOut()), p.evalCap() == 0 ? Integer.MAX_VALUE : Math.max(128, p.evalCap() / 2));
        heldOutIds = new java.util.HashSet<>(data.heldOut().stream().map(Document::id).toList());
        emailSeqs = pack(data.email());
        heldOutEval = new MlmEvaluator(heldOutSeqs, mlmVocab(), new MlmMasking(0.15, false), 64, seed + 100); // seed: see mlmUnits
        log.printf("%,d pretraining, %,d held-out and %,d e-mail sequences of at most %d tokens%n",
                pretrainSeqs.size(), heldOutSeqs.size(), emailSeqs.size(), p.maxLen());
    }

    private List<int[]> pack(List<Document> docs) {
        return Packing.packDocuments(tok, docs, p.maxLen());
    }

    private int id(String token) {
        return tok.vocab().id(token);
    }

    private MlmBatch.Vocab mlmVocab() {
        return MlmBatch.Vocab.of(tok);
    }

    /**
     * At most n items spread evenly over the list. Examples come grouped by document (and so by genre or sender), so
     * the first n would be a few documents only; every k-th one samples them all, the same way on every run.
     */
    static <T> List<T> spread(List<T> list, int n) {
        if (list.size() <= n) return list;
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(list.get((int) ((long) i * list.size() / n)));
        return out;
    }

    // ---- phase 2: pretraining ------------------------------------------------------------------------------

    Path pretrainedDir() {
        return out.resolve("pretrain").resolve("model");
    }

    private Map<String, Object> pretrain() {
        Map<String, Object> result = store.getOrRun("pretrain", () -> {
            log.println("== masked-LM pretraining: " + p.model() + ", " + p.pretrainSteps() + " steps of " + p.pretrainBatch() + " x " + p.maxLen());
            BertConfig config = TaskModels.size(p.model(), tok.vocab().size(), p.maxLen());
            BertForMaskedLM model = new BertForMaskedLM(config, new Rng(seed), new Rng(seed + 1));
            model.to(device);
            MlmEvaluator.Result before = heldOutEval.evaluate(model);
            Map<String, Object> r = mlmTrain(model, pretrainSeqs, p.pretrainSteps(), p.pretrainLr(), out.resolve("pretrain"));
            r.put("eval_before", evalMap(before));
            r.put("unlabeled_sequences", pretrainSeqs.size());
            r.put("parameters", model.parameterCount());
            save(model, pretrainedDir());
            return r;
        });
        recordWallTime();
        return result;
    }

    /** Trains model with MLM on seqs and returns what was measured (tokens, FLOPs, time, curve, final held-out eval). */
    private Map<String, Object> mlmTrain(BertForMaskedLM model, List<int[]> seqs, int steps, double lr, Path runDir) {
        Pretrainer.Options o = new Pretrainer.Options(p.pretrainBatch(), 1, steps, lr, Math.max(1, steps / 10), "linear",
                0.01, 1.0, Math.max(1, steps / 40), Math.max(1, steps / 4), seed, new MlmMasking(0.15, false));
        Pretrainer.Summary s;
        try (MetricsLog metrics = new MetricsLog(runDir.resolve("metrics.jsonl"), false)) {
            s = new Pretrainer(model, mlmVocab(), o).train(seqs, heldOutEval, metrics, progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("steps", steps);
        r.put("tokens", s.tokens());
        r.put("flops", s.flops());
        r.put("seconds", s.seconds());
        r.put("eval_after", evalMap(s.finalEval()));
        List<Object> curve = new ArrayList<>();
        for (double[] c : s.lossCurve()) curve.add(List.of(c[0], c[1]));
        r.put("loss_curve", curve);
        return r;
    }

    private static Map<String, Object> evalMap(MlmEvaluator.Result e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", e.loss());
        m.put("perplexity", e.perplexity());
        m.put("accuracy", e.accuracy());
        return m;
    }

    private void save(BertForMaskedLM model, Path dir) {
        try {
            HfCheckpoint.save(model, dir);
            TokenizerFiles.save(tok, dir, model.config.maxPositionEmbeddings());
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(dir, e), e);
        }
    }

    // ---- phase 3: fine-tuning ------------------------------------------------------------------------------

    /** The metric a task is judged by: token accuracy for tagging, macro-F1 for the classification tasks. */
    static String metricOf(String task) {
        return task.equals("pos") ? "accuracy" : "macro_f1";
    }

    /**
     * One fine-tuning run. init: "pretrained", "scratch" or "email" (after continual pretraining). variant: "full",
     * "frozen" (embeddings + lower half of the layers), "hybrid" (auxiliary MLM on the task's unlabeled text) or
     * "rehearsal" (auxiliary MLM on pretraining text).
     */
    private Map<String, Object> finetune(String task, double budget, String init, long s, String variant) {
        String name = runName(task, budget, init, variant, s);
        Map<String, Object> stored = store.get(name);
        if (stored != null && !stored.containsKey(TEST_UNITS)) {
            // Stored by a version of the study that did not keep the test predictions: the intervals need them.
            log.println("== " + name + ": stored without per-example test predictions (an older version), running it again");
            stored = null;
        } else if (stored != null && measuresForgetting(task, budget, init, s) && !stored.containsKey(MLM_UNITS)) {
            log.println("== " + name + ": stored without per-sequence held-out MLM losses (an older version), running it again");
            stored = null;
        }
        if (stored == null) {
            try {
                stored = runFinetune(name, task, budget, init, s, variant);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            store.put(name, stored);
            recordWallTime();
        }
        testUnits.put(name, TestUnits.fromMap((Map<?, ?>) stored.get(TEST_UNITS), store.file(name).toString()));
        if (stored.get(MLM_UNITS) instanceof Map<?, ?> m) mlmUnits.put(name, TestUnits.fromMap(m, store.file(name).toString()));
        Map<String, Object> result = new LinkedHashMap<>(stored);
        result.remove(TEST_UNITS); // summary.json holds the intervals made from them, not the predictions
        result.remove(MLM_UNITS);
        return result;
    }

    /** The name of a fine-tuning run: its folder under finetune/ and its result under results/. */
    static String runName(String task, double budget, String init, String variant, long seed) {
        return "ft-" + task + "-" + budgetName(budget) + "-" + init + "-" + variant + "-s" + seed;
    }

    /** The runs whose held-out MLM loss the forgetting section compares: genre at 10% of the labels, first seed. */
    private boolean measuresForgetting(String task, double budget, String init, long s) {
        return task.equals("genre") && budget == 0.1 && init.equals("pretrained") && s == p.seeds().get(0);
    }

    /** Per-sequence held-out MLM losses of a forgetting run, or of the pretrained encoder ({@link #PRETRAINED}). */
    private TestUnits mlmUnitsOf(String name) {
        TestUnits u = mlmUnits.get(name);
        if (u == null) throw new IllegalStateException("no per-sequence held-out MLM losses for " + name);
        return u;
    }

    /** The per-sequence held-out MLM losses of the masked-LM model saved in dir. */
    private TestUnits heldOutUnitsOf(Path dir) {
        try {
            BertForMaskedLM model = HfCheckpoint.loadMaskedLM(dir);
            model.to(device);
            return mlmUnits(heldOutEval.evaluate(model));
        } catch (IOException e) {
            throw new UncheckedIOException(IoErrors.describe(dir, e), e);
        }
    }

    private TestUnits.MlmLoss mlmUnits(MlmEvaluator.Result r) {
        return new TestUnits.MlmLoss(r.sequenceLoss(), r.sequencePredicted(), TestUnits.fingerprintSequences(heldOutSeqs, seed + 100));
    }

    /** The units of a run's test predictions the bootstrap resamples; the run must have been run (or read back). */
    private TestUnits unitsOf(String name) {
        TestUnits u = testUnits.get(name);
        if (u == null) throw new IllegalStateException("no test predictions for fine-tuning run " + name);
        return u;
    }

    /** How often a fine-tuning run of the given steps evaluates on dev: about four times, at least 10 steps apart. */
    static int evalEvery(int steps) {
        return Math.max(10, steps / 4);
    }

    /** The dev evaluations of a run of the given steps: every {@link #evalEvery} steps, and at the last step. */
    static int devEvaluations(int steps) {
        int every = evalEvery(steps);
        return steps / every + (steps % every == 0 ? 0 : 1);
    }

    static String budgetName(double budget) {
        return (budget * 100 == Math.rint(budget * 100) ? String.valueOf((int) Math.round(budget * 100)) : String.valueOf(budget * 100)) + "pct";
    }

    private Map<String, Object> runFinetune(String name, String task, double budget, String init, long s, String variant) throws IOException {
        Cell cell = cell(task, budget, s);
        TaskData full = tasks.get(task), data = cell.data();
        LabelVocab labels = cell.labels();
        List<TaskExample> train = cell.train(), dev = cell.dev(), test = cell.test();

        BertConfig config = TaskModels.size(p.model(), tok.vocab().size(), p.maxLen());
        Path initDir = init.equals("email") ? out.resolve("continual").resolve("model") : pretrainedDir();
        BertTask model = init.equals("scratch") ? TaskModels.fromScratch(data.kind(), config, labels, null, s)
                : TaskModels.fromPretrained(data.kind(), initDir, labels, null, s);
        model.to(device);

        FineTuneOptions o = new FineTuneOptions();
        o.batchSize = p.ftBatch();
        o.lr = p.ftLr();
        o.seed = s;
        o.metric = metricOf(task);
        int perEpoch = (int) Math.ceil(train.size() / (double) p.ftBatch());
        o.steps = Math.max(Math.min(30, p.ftMaxSteps()), Math.min(p.ftMaxSteps(), p.ftEpochs() * perEpoch));
        o.evalEvery = evalEvery(o.steps);
        // No early stopping: every run of a cell takes the same steps, pretrained or scratch (a scratch model can sit
        // at the majority class for a few evaluations before it moves). The best dev evaluation still picks the model.
        o.patience = 0;
        o.logEvery = Math.max(1, o.steps / 10);
        if (variant.equals("frozen")) {
            o.freezeEmbeddings = true;
            o.freezeLayers = config.numHiddenLayers() / 2;
        }
        FineTuner tuner = new FineTuner(model, data.kind(), labels, id(tok.specialTokens().pad()), o);
        if (variant.equals("hybrid") || variant.equals("rehearsal")) {
            // Hybrid: the task's training text, less the documents whose text measures forgetting (some Brown training
            // documents are in the held-out slice); rehearsal: the pretraining text, which excludes that slice already.
            List<int[]> unlabeled = variant.equals("hybrid") ? pack(asDocuments(full.trainText(heldOutIds))) : pretrainSeqs;
            tuner.withAuxMlm(new AuxMlm(MlmProbe.on(model.bert, pretrainedDir()), unlabeled, mlmVocab(),
                    new MlmMasking(0.15, false), AUX_WEIGHT, p.ftBatch(), s + 7));
        }
        log.printf("== fine-tune %s: %,d labelled examples, %d steps%n", name, train.size(), o.steps);
        long flops0 = Flops.total(), t0 = System.nanoTime();
        FineTuner.Result r;
        EvalResult t;
        try (MetricsLog metrics = new MetricsLog(out.resolve("finetune").resolve(name).resolve("metrics.jsonl"), false)) {
            r = tuner.train(train, dev, metrics, progress);
            t = tuner.evaluate(test);
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("step", r.bestStep());
            last.putAll(r.bestDev().toMap("best_dev"));
            last.putAll(t.toMap("test"));
            metrics.write(last); // the scores the report shows, in the run's own log
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("task", task);
        res.put("budget", budget);
        res.put("init", init);
        res.put("variant", variant);
        res.put("seed", s);
        res.put("metric", metricOf(task));
        res.put("labelled_examples", train.size());
        res.put("steps", r.stepsRun());
        res.put("examples_seen", (long) r.stepsRun() * p.ftBatch());
        res.put("flops", Flops.total() - flops0);
        res.put("seconds", (System.nanoTime() - t0) / 1e9);
        res.put("test_accuracy", t.accuracy());
        res.put("test_macro_f1", t.macroF1());
        res.put("test_score", t.score(metricOf(task)));
        res.put("dev_best", r.bestDev().score(metricOf(task)));
        res.put(TEST_UNITS, TestUnits.of(metricOf(task), test, t, labels.size()).toMap());
        if (!init.equals("scratch")) {
            MlmEvaluator.Result after = heldOutEval.evaluate(MlmProbe.on(model.bert, pretrainedDir()));
            res.put("mlm_after", after.loss());
            if (measuresForgetting(task, budget, init, s)) res.put(MLM_UNITS, mlmUnits(after).toMap());
        }
        log.printf("   test %s %.4f (accuracy %.4f) in %.0f s%n", metricOf(task), t.score(metricOf(task)), t.accuracy(),
                (System.nanoTime() - t0) / 1e9);
        return res;
    }

    /** A cell's data as the models read it: the budget's share of the labelled examples (chosen by seed), dev and test. */
    private record Cell(TaskData data, LabelVocab labels, List<TaskExample> train, List<TaskExample> dev, List<TaskExample> test) {}

    private Cell cell(String task, double budget, long s) {
        TaskData full = tasks.get(task), data = full.withLabelFraction(budget, s);
        LabelVocab labels = full.labelVocab();
        TaskEncoder enc = new TaskEncoder(tok, labels, p.maxLen());
        int cap = p.evalCap() == 0 ? Integer.MAX_VALUE : p.evalCap();
        return new Cell(data, labels, data.encode(enc, Split.TRAIN).examples(), spread(data.encode(enc, Split.DEV).examples(), cap),
                spread(data.encode(enc, Split.TEST).examples(), cap));
    }

    private static List<Document> asDocuments(List<String> texts) {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) docs.add(new Document("u" + i, "task", texts.get(i)));
        return docs;
    }

    // ---- baselines without a network ---------------------------------------------------------------------

    /** The name under which a cell's baseline is scored, in place of "pretrained" or "scratch" ({@link #runName}). */
    static final String BASELINE = "bag-of-words";

    /**
     * What a model without a network makes of each cell's labelled examples: naive Bayes over the tokens for the
     * classification tasks, the most frequent tag of each word for POS. It reads the same encoded examples as the
     * fine-tuning runs and is scored on the same test examples. Seconds of work, so it is not stored but run again.
     */
    private List<Object> baselines() {
        List<Object> rows = new ArrayList<>();
        for (String task : TASKS) for (double budget : p.budgets()) for (long s : p.seeds()) rows.add(baseline(task, budget, s));
        return rows;
    }

    private Map<String, Object> baseline(String task, double budget, long s) {
        long t0 = System.nanoTime();
        Cell cell = cell(task, budget, s);
        int numLabels = cell.labels().size();
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("task", task);
        res.put("budget", budget);
        res.put("seed", s);
        res.put("metric", metricOf(task));
        res.put("labelled_examples", cell.train().size());
        Baseline baseline = Baseline.fit(cell.data().kind(), cell.train(), cell.dev(), numLabels, tok, metricOf(task));
        res.putAll(baseline.details());
        Predictions test = baseline.predict(cell.test());
        EvalResult t = test.asEvalResult(numLabels);
        String name = runName(task, budget, BASELINE, "full", s);
        testUnits.put(name, TestUnits.of(metricOf(task), cell.test(), t, numLabels));
        res.put("test_accuracy", t.accuracy());
        res.put("test_macro_f1", t.macroF1());
        res.put("test_score", t.score(metricOf(task)));
        res.put("seconds", (System.nanoTime() - t0) / 1e9);
        log.printf("== baseline %s, %s of the labels (%,d examples, seed %d): %s, test %s %.4f%n", task, StudyReport.pct(budget), cell.train().size(), s,
                baseline.describe(), metricOf(task), t.score(metricOf(task)));
        return res;
    }

    // ---- phase 4: forgetting -------------------------------------------------------------------------------

    /** Held-out MLM loss of the encoder before and after fine-tuning genre classification (10% of labels) four ways. */
    private List<Object> forgetting() {
        List<Object> rows = new ArrayList<>();
        Map<String, Object> pre = store.getOrRun("pretrain", () -> {
            throw new IllegalStateException("pretraining result missing");
        });
        double before = ((Number) ((Map<?, ?>) pre.get("eval_after")).get("loss")).doubleValue();
        // Per sequence, for the intervals: the saved encoder gives the losses its pretraining run ended with.
        mlmUnits.put(PRETRAINED, heldOutUnitsOf(pretrainedDir()));
        for (String variant : FORGETTING_VARIANTS) {
            Map<String, Object> r = new LinkedHashMap<>(finetune("genre", 0.1, "pretrained", p.seeds().get(0), variant));
            r.put("mlm_before", before);
            rows.add(r);
        }
        return rows;
    }

    // ---- phase 5: continual pretraining ---------------------------------------------------------------------

    private Map<String, Object> continual() {
        Map<String, Object> phase = store.getOrRun("continual-pretrain", () -> {
            log.println("== continual pretraining on e-mail text: " + p.continualSteps() + " steps");
            try {
                BertForMaskedLM model = HfCheckpoint.loadMaskedLM(pretrainedDir());
                model.to(device);
                Map<String, Object> r = mlmTrain(model, emailSeqs, p.continualSteps(), p.pretrainLr() / 2, out.resolve("continual"));
                r.put("unlabeled_sequences", emailSeqs.size());
                save(model, out.resolve("continual").resolve("model"));
                return r;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        recordWallTime();
        mlmUnits.put(CONTINUAL, heldOutUnitsOf(out.resolve("continual").resolve("model"))); // what it cost the general domain
        List<Object> runs = new ArrayList<>();
        for (double budget : p.budgets()) {
            if (budget >= 1) continue; // the question is about scarce labels (StudyIntervals is given the same budgets)
            for (long s : p.seeds()) runs.add(finetune("spam", budget, "email", s, "full"));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("pretraining", phase);
        r.put("finetune", runs);
        return r;
    }
}
