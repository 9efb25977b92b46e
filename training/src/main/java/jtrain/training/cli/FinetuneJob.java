package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jtrain.cuda.Devices;
import jtrain.engine.Device;
import jtrain.engine.Rng;
import jtrain.training.data.DataCache;
import jtrain.training.data.DataException;
import jtrain.training.data.Document;
import jtrain.training.data.Scores;
import jtrain.training.data.Split;
import jtrain.training.data.UserData;
import jtrain.training.finetune.AuxMlm;
import jtrain.training.finetune.EncodedSet;
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
import jtrain.training.run.InitFolder;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.BertTask;
import jtrain.transformer.HfCheckpoint;
import jtrain.transformer.ProblemType;

/**
 * Everything a fine-tuning run trains with, built from its options the same way whether the run starts or resumes:
 * the encoded splits, the model at step 0 (pretrained encoder and new head, or random weights) on its device, and
 * the fine-tuner with its freezing and auxiliary loss.
 */
record FinetuneJob(String task, double labelFraction, LabelVocab labels, BertTokenizer tokenizer, BertTask model,
                   EncodedSet train, EncodedSet dev, EncodedSet test, FineTuner tuner) {

    /** log: progress and what was built; notes (stderr): warnings about the options. */
    static FinetuneJob prepare(FinetuneConfig c, String precision, PrintStream log, PrintStream notes) throws IOException {
        String task = c.text("--task");
        TaskData.requireKnown(task); // a misspelt task is the first thing to say, before what the other options lack
        FineTuneOptions o = options(c);
        if (c.has("--steps") && c.integer("--steps") < 1) throw new IllegalArgumentException("--steps must be at least 1 (leave it out to train --epochs)");
        if (!c.has("--steps") && c.integer("--epochs") < 1) throw new IllegalArgumentException("--epochs must be at least 1, got " + c.integer("--epochs"));
        for (String option : List.of("--save-every", "--keep"))
            if (c.integer(option) < 1) throw new IllegalArgumentException(option + " must be positive, got " + c.integer(option));
        Double dropout = c.has("--dropout") ? c.number("--dropout") : null;
        double fraction = c.number("--label-fraction");
        if (c.has("--max-len") && c.integer("--max-len") < 3)
            throw new IllegalArgumentException("--max-len must be at least 3 ([CLS], a token, [SEP]), got " + c.integer("--max-len"));
        int maxLen = c.has("--max-len") ? c.integer("--max-len") : 128;
        if (dropout != null && !(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        if (c.has("--aux-mlm-text") && !(o.auxMlmWeight > 0))
            throw new IllegalArgumentException("--aux-mlm-text is the text of the auxiliary masked-LM loss: give --aux-mlm-weight W > 0 with it");
        Path init = c.path("--init");
        boolean scratch = c.has("--scratch");
        if (init == null && !scratch) throw new IllegalArgumentException("give --init DIR (pretrained folder) or --scratch");
        if (scratch && init == null && (!c.has("--tokenizer") || !c.has("--model")))
            throw new IllegalArgumentException("--scratch needs --init DIR (for its architecture and tokenizer) or --tokenizer DIR and --model SIZE");
        if (init != null) InitFolder.requireModelFolder(init);
        String shape = c.has("--model") ? c.text("--model") : "tiny";
        if (init == null) {
            int heads = PretrainConfig.modelShape(shape)[2]; // a bad --model fails before any data work
            String note = LongSequenceNote.of(maxLen, heads);
            if (note != null) notes.println(note);
        }
        if (init != null && (c.has("--model") || c.has("--tokenizer")))
            log.println("note: --model and --tokenizer are not used with --init (its config and tokenizer are)");
        Device device = Devices.select(c.text("--device")); // before any data work: a bad choice fails at once
        Devices.setPrecision(device, precision, notes);
        // The tokenizer, and the --init folder's weights against its config, before any data work too.
        Path tokDir = init != null ? init : c.path("--tokenizer");
        BertTokenizer tok = TokenizerFiles.load(tokDir);
        if (init != null) TaskModels.requireTokenizerFits(tok, HfCheckpoint.readConfig(init), tokDir);
        if (init != null && !scratch) TaskModels.requirePretrained(init);

        TaskData.Files files = new TaskData.Files(c.path("--train"), c.path("--dev"), c.path("--test"));
        Path cache = c.path("--cache");
        TaskData data = TaskData.load(task, DataCache.open(DataCache.defaultRoot(cache == null ? null : cache.toString())), files,
                c.integer("--split-seed"), ProblemOption.parse(c.text("--problem")));
        if (data.size(Split.TRAIN) == 0) throw new DataException(task + ": no training examples (" + orFlag(files.train(), "--train") + ")");
        if (data.size(Split.DEV) == 0) throw new DataException(task + ": no dev examples (" + orFlag(files.dev(), "--dev") + ")");
        ProblemType problem = ProblemOption.of(c.text("--problem"), data.kind());
        LabelVocab labels = data.labelVocab(problem);
        String decimalComma = problem == ProblemType.REGRESSION ? Scores.decimalCommaNote(data.texts().get(Split.TRAIN), files.train() != null ? files.train() : "the training data") : null;
        if (decimalComma != null) log.println(decimalComma);
        TaskData labelled = data.withLabelFraction(fraction, o.seed);
        log.printf("%s: %,d training examples (label fraction %s of %,d), %,d dev, %,d test; %s%n", task,
                labelled.size(Split.TRAIN), fraction, data.size(Split.TRAIN), data.size(Split.DEV), data.size(Split.TEST),
                ProblemOption.describeOutputs(problem, labels.size()));

        BertTask model;
        if (scratch) {
            BertConfig config = init != null ? HfCheckpoint.readConfig(init) : TaskModels.size(shape, tok.vocab().size(), Math.max(maxLen, 128));
            model = TaskModels.fromScratch(data.kind(), config, labels, ProblemOption.forConfig(problem, data.kind()), dropout, o.seed);
        } else {
            model = TaskModels.fromPretrained(data.kind(), init, labels, ProblemOption.forConfig(problem, data.kind()), dropout, o.seed, notes);
        }
        model.to(device);
        model.bert.setGradientCheckpointing(c.has("--recompute"));
        int positions = model.config.maxPositionEmbeddings();
        if (maxLen > positions && c.has("--max-len"))
            throw new IllegalArgumentException("--max-len " + maxLen + " exceeds the model's " + positions + " positions");
        maxLen = Math.min(maxLen, positions); // the default follows a shorter model, as in eval
        log.printf("model: %s, %d layer%s, hidden %d, %,d parameters, %s%s%n", data.kind().architecture, model.config.numHiddenLayers(),
                model.config.numHiddenLayers() == 1 ? "" : "s",
                model.config.hiddenSize(), model.parameterCount(), scratch ? "random initialisation" : "encoder from " + init,
                c.has("--recompute") ? "; activation checkpointing (--recompute)" : "");

        TaskEncoder encoder = new TaskEncoder(tok, labels, maxLen, problem);
        int padId = tok.vocab().id(tok.specialTokens().pad());
        EncodedSet train = labelled.encode(encoder, Split.TRAIN), dev = labelled.encode(encoder, Split.DEV),
                test = labelled.encode(encoder, Split.TEST);
        for (var e : List.of(Map.entry("train", train), Map.entry("dev", dev), Map.entry("test", test))) {
            if (e.getValue().truncated() > 0)
                log.printf("%s: %,d of %,d examples truncated to %d tokens%s%n", e.getKey(), e.getValue().truncated(), e.getValue().size(),
                        maxLen, e.getValue().lostWords() > 0 ? String.format(" (%,d words cut off, not scored)", e.getValue().lostWords()) : "");
        }

        o.warmupOfSteps = FinetuneExtension.warmupOfSteps(c, FineTuner.stepsPerEpoch(train.size(), o)); // an extended run's first plan
        FineTuner tuner = new FineTuner(model, data.kind(), labels, padId, o);
        if (!tuner.frozenParameters().isEmpty()) log.printf("frozen: %d parameter tensors%n", tuner.frozenParameters().size());
        if (o.auxMlmWeight > 0) tuner.withAuxMlm(auxMlm(c, model, tok, labelled, maxLen, o, log));
        return new FinetuneJob(task, fraction, labels, tok, model, train, dev, test, tuner);
    }

    static FineTuneOptions options(FinetuneConfig c) {
        FineTuneOptions o = new FineTuneOptions();
        o.batchSize = c.integer("--batch");
        o.gradAccum = c.integer("--grad-accum");
        o.epochs = c.integer("--epochs");
        o.steps = c.has("--steps") ? c.integer("--steps") : 0; // 0: --epochs
        o.lr = c.number("--lr");
        o.headLrScale = c.number("--head-lr-scale");
        o.warmupFraction = c.number("--warmup");
        o.weightDecay = c.number("--weight-decay");
        o.clipNorm = c.number("--clip");
        o.evalEvery = c.integer("--eval-every");
        o.patience = c.integer("--patience");
        o.metric = c.text("--metric");
        o.freezeEmbeddings = c.has("--freeze-embeddings");
        o.freezeLayers = c.integer("--freeze-layers");
        o.auxMlmWeight = c.number("--aux-mlm-weight");
        o.seed = c.integer("--seed");
        return o;
    }

    /** The MLM head on the task model's encoder, pretrained head weights when --init has them, fed packed text. */
    private static AuxMlm auxMlm(FinetuneConfig c, BertTask model, BertTokenizer tok, TaskData data, int maxLen,
                                 FineTuneOptions o, PrintStream log) throws IOException {
        BertForMaskedLM head = new BertForMaskedLM(model.bert, new Rng(o.seed + 4), model.dropoutRng());
        head.to(model.bert.embeddings.wordEmbeddings.weight.device()); // the new head joins the shared encoder's device
        Path init = c.path("--init");
        boolean pretrainedHead = init != null && !c.has("--scratch") && MlmProbe.loadHead(head, init);
        List<String> texts = new ArrayList<>();
        Path file = c.path("--aux-mlm-text");
        if (file != null) for (Document d : UserData.documents(file, true)) texts.add(d.text());
        else texts.addAll(data.trainText());
        List<int[]> seqs = Packing.packDocuments(tok, texts.stream().map(t -> new Document("aux", "aux", t)).toList(), maxLen);
        log.printf("auxiliary MLM (weight %s): %,d packed sequences from %s, %s head%n", o.auxMlmWeight, seqs.size(),
                file != null ? file : "the training text", pretrainedHead ? "pretrained" : "new");
        return new AuxMlm(head, seqs, MlmBatch.Vocab.of(tok), new MlmMasking(0.15, false), o.auxMlmWeight,
                o.auxMlmBatch > 0 ? o.auxMlmBatch : o.batchSize, o.seed + 3);
    }

    /** Where examples were looked for: the file given (a header alone has none), else the option that gives one. */
    private static String orFlag(Path file, String flag) {
        return file != null ? "none in " + file : flag + " FILE";
    }
}
