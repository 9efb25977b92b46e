package jtrain.training.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jtrain.cuda.Devices;
import jtrain.engine.Device;
import jtrain.engine.Rng;
import jtrain.engine.io.IoErrors;
import jtrain.engine.io.Json;
import jtrain.training.data.DataException;
import jtrain.training.data.Document;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.MlmEvaluator;
import jtrain.training.pretrain.MlmMasking;
import jtrain.training.pretrain.Packing;
import jtrain.training.pretrain.PretrainConfig;
import jtrain.training.run.InitFolder;
import jtrain.training.run.RunFolder;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.HfCheckpoint;

/**
 * {@code ./trainer eval --task mlm}: the masked-LM loss, perplexity and masked-token accuracy of a masked-LM folder on
 * a corpus, scored as pretraining scores its held-out text. The sequences and masks follow from the data, the folder's
 * tokenizer and --seed alone, so models that share a tokenizer (a checkpoint and its --init adaptation) are scored on
 * the very same masked positions, and a run's checkpoint on the masks its run logged. --held-out-of RUN_DIR takes the
 * text and those options from a pretraining run's folder: the documents it held out, as it packed and masked them.
 */
final class MlmEvalCommand {
    private MlmEvalCommand() {}

    /** What to score and how; see EvalCommand's usage. */
    private record Options(Path model, List<String> data, Path heldOutOf, Integer maxLen, Long seed, int batch, boolean wholeWord,
                           boolean json, String device, String precision, String cache) {}

    /** What is scored: the text's sequences, where they come from, and the masking options. */
    private record Scored(List<int[]> sequences, List<String> data, String source, String label, boolean heldOut, long seed,
                          boolean wholeWord, int maxLen, HeldOutOfRun run) {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            Options o = parse(args);
            if (o == null) {
                out.println(EvalCommand.USAGE);
                return 0;
            }
            return evaluate(o, out, err);
        } catch (IllegalArgumentException | IllegalStateException | DataException | UncheckedIOException e) {
            Main.printError(err, "trainer eval: " + e.getMessage(), e);
        } catch (IOException e) {
            Main.printError(err, "trainer eval: " + IoErrors.describe(e), e);
        }
        return 2;
    }

    /** The options, or null for --help. */
    private static Options parse(String[] args) {
        Path model = null;
        List<String> data = null;
        Path heldOutOf = null;
        Integer maxLen = null;
        Long seed = null;
        int batch = MlmEvaluator.RUN_BATCH;
        boolean wholeWord = false, json = false;
        String device = "auto", precision = "fp32", cache = null;
        CliArgs a = new CliArgs(args);
        while (a.hasNext()) {
            String o = a.next();
            switch (o) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--task" -> a.value(o); // "mlm", or EvalCommand would not have come here
                case "--model" -> model = Path.of(a.value(o));
                case "--data" -> data = a.values(o);
                case "--held-out-of" -> heldOutOf = Path.of(a.value(o));
                case "--max-len" -> maxLen = CliArgs.integer(o, a.value(o));
                case "--seed" -> seed = CliArgs.longInteger(o, a.value(o));
                case "--batch" -> batch = CliArgs.integer(o, a.value(o));
                case "--whole-word" -> wholeWord = true;
                case "--json" -> json = true;
                case "--device" -> device = a.value(o);
                case "--precision" -> precision = a.value(o);
                case "--cache" -> cache = a.value(o);
                default -> throw new IllegalArgumentException("unknown option " + o + " for --task mlm (see ./trainer eval --help)");
            }
        }
        if (model == null) throw new IllegalArgumentException("--model is required (see --help)");
        if (data != null && heldOutOf != null) {
            throw new IllegalArgumentException("--data and --held-out-of cannot be combined: --held-out-of RUN_DIR scores the held-out "
                    + "part of that run's own --data");
        }
        if (data == null && heldOutOf == null) {
            throw new IllegalArgumentException("--task mlm needs --data default|FILE... or --held-out-of RUN_DIR (see --help)");
        }
        if (batch < 1) throw new IllegalArgumentException("--batch must be positive, got " + batch);
        if (maxLen != null && maxLen < 3) throw new IllegalArgumentException("--max-len must be at least 3, got " + maxLen);
        return new Options(model, data, heldOutOf, maxLen, seed, batch, wholeWord, json, device, precision, cache);
    }

    private static int evaluate(Options o, PrintStream out, PrintStream err) throws IOException {
        HeldOutOfRun run = o.heldOutOf() == null ? null : HeldOutOfRun.read(o.heldOutOf());
        if (run != null) requireRunOptions(o, run);
        else if (!o.data().equals(List.of("default"))) CorpusSources.requireFiles(o.data());

        BertConfig config = HfCheckpoint.readConfig(o.model());
        int maxLen = run != null ? run.config().maxLen() : o.maxLen() != null ? o.maxLen() : Math.min(128, config.maxPositionEmbeddings());
        if (run != null && maxLen > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("the run " + run.folder().dir() + " packed its held-out text into sequences of up to " + maxLen
                    + " tokens (max_len in its " + RunFolder.RUN_CONFIG + "), above the " + config.maxPositionEmbeddings()
                    + " positions of the model " + o.model());
        }
        BertTokenizer tok = TokenizerFiles.load(o.model());
        InitFolder.requireFits(o.model(), "the model", config, tok, maxLen);
        BertForMaskedLM model = HfCheckpoint.loadMaskedLM(o.model(), new Rng(0), err); // a folder without the MLM head fails before the data is read
        Device device = Devices.select(o.device()); // before the corpus is read: a bad device fails soon
        Devices.setPrecision(device, o.precision(), System.err);

        Scored s = run != null ? heldOutOf(run, o, tok) : ofData(o, tok, maxLen);
        var evaluator = new MlmEvaluator(s.sequences(), MlmBatch.Vocab.of(tok), new MlmMasking(0.15, s.wholeWord()), o.batch(),
                MlmEvaluator.maskingSeed(s.seed()));
        if (run != null) run.requireLoggedMaskCount(evaluator.maskedTokens()); // before the model is run: the text is the run's
        model.to(device);
        MlmEvaluator.Result r = evaluator.evaluate(model);
        if (r.predicted() == 0) throw new DataException("no token of " + s.source() + " was masked: too little text to score");
        if (o.json()) {
            out.println(Json.write(toJson(o, s, r)));
        } else {
            out.printf("mlm on %s: MLM loss %.4f, perplexity %.1f, masked-token accuracy %.1f%% (%,d masked tokens in %,d sequences of up to %d tokens)%n",
                    s.label(), r.loss(), r.perplexity(), 100 * r.accuracy(), r.predicted(), s.sequences().size(), s.maxLen());
        }
        return 0;
    }

    /** --data: the default corpus's held-out documents for --seed, or all the text of the files. */
    private static Scored ofData(Options o, BertTokenizer tok, int maxLen) {
        boolean heldOut = o.data().equals(List.of("default"));
        long seed = o.seed() != null ? o.seed() : 1;
        List<Document> docs = heldOut
                ? CorpusSources.load(o.data(), seed, o.cache(), new PrintStream(PrintStream.nullOutputStream())).heldOut()
                : CorpusSources.fileDocuments(o.data());
        String source = heldOut ? "the default corpus's held-out documents (--seed " + seed + ")" : String.join(", ", o.data());
        if (docs.isEmpty()) throw new DataException("no text to score in " + source);
        List<int[]> sequences = Packing.packDocuments(tok, docs, maxLen);
        if (sequences.isEmpty()) throw new DataException("no text to score in " + source + ": fewer than the 8 tokens a packed sequence needs at least (shorter text is dropped, as in pretraining)");
        return new Scored(sequences, o.data(), source, heldOut ? "default held-out" : String.join(" ", o.data()), heldOut, seed,
                o.wholeWord(), maxLen, null);
    }

    /** --held-out-of: the run's held-out documents, packed as the run packed them; the model must tokenize them alike. */
    private static Scored heldOutOf(HeldOutOfRun run, Options o, BertTokenizer tok) {
        PretrainConfig c = run.config();
        List<Document> docs = run.heldOutDocuments(o.cache());
        List<int[]> runSequences = Packing.packDocuments(run.tokenizer(), docs, c.maxLen());
        run.requireRecordedSequences(runSequences);
        run.requireSameTokens(o.model(), tok, runSequences, Packing.packDocuments(tok, docs, c.maxLen()));
        String source = "the held-out text of " + run.folder().dir();
        if (runSequences.isEmpty()) throw new DataException("no text to score in " + source + ": fewer than the 8 tokens a packed sequence needs at least (shorter text is dropped, as in pretraining)");
        return new Scored(runSequences, c.data(), source, source, true, c.seed(), c.wholeWord(), c.maxLen(), run);
    }

    /** --seed, --max-len and --whole-word may repeat the run's values, never change them: the masks are the run's. */
    private static void requireRunOptions(Options o, HeldOutOfRun run) {
        PretrainConfig c = run.config();
        String where = " (" + run.folder().runConfig() + "); --held-out-of scores the run's own sequences and masks: leave the option out";
        if (o.seed() != null && o.seed() != c.seed()) throw new IllegalArgumentException("--seed " + o.seed() + " differs from the run's --seed " + c.seed() + where);
        if (o.maxLen() != null && o.maxLen() != c.maxLen()) {
            throw new IllegalArgumentException("--max-len " + o.maxLen() + " differs from the run's --max-len " + c.maxLen() + where);
        }
        if (o.wholeWord() && !c.wholeWord()) throw new IllegalArgumentException("--whole-word differs from the run, which masked single tokens" + where);
    }

    private static Map<String, Object> toJson(Options o, Scored s, MlmEvaluator.Result r) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("task", "mlm");
        j.put("model", o.model().toString());
        j.put("data", s.data());
        if (s.run() != null) j.put("held_out_of", s.run().folder().dir().toString());
        j.put("held_out", s.heldOut());
        j.put("seed", s.seed());
        j.put("whole_word", s.wholeWord());
        j.put("max_len", s.maxLen());
        j.put("sequences", s.sequences().size());
        j.put("masked_tokens", r.predicted());
        j.put("loss", r.loss());
        j.put("perplexity", r.perplexity());
        j.put("accuracy", r.accuracy());
        return j;
    }
}
