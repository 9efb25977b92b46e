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
import jtrain.engine.io.IoErrors;
import jtrain.engine.io.Json;
import jtrain.training.data.DataException;
import jtrain.training.data.Document;
import jtrain.training.pretrain.MlmBatch;
import jtrain.training.pretrain.MlmEvaluator;
import jtrain.training.pretrain.MlmMasking;
import jtrain.training.pretrain.Packing;
import jtrain.training.run.InitFolder;
import jtrain.training.tokenizer.BertTokenizer;
import jtrain.training.tokenizer.TokenizerFiles;
import jtrain.transformer.BertConfig;
import jtrain.transformer.BertForMaskedLM;
import jtrain.transformer.HfCheckpoint;

/**
 * {@code ./trainer eval --task mlm}: the masked-LM loss, perplexity and masked-token accuracy of a masked-LM folder on
 * a corpus, scored as pretraining scores its held-out text. The sequences and masks follow from the data, the folder's
 * tokenizer and --seed alone, so models that share a tokenizer (a checkpoint and its --init adaptation) are scored on
 * the very same masked positions, and a run's checkpoint on the masks its run logged.
 */
final class MlmEvalCommand {
    private MlmEvalCommand() {}

    /** What to score and how; see EvalCommand's usage. */
    private record Options(Path model, List<String> data, Integer maxLen, long seed, int batch, boolean wholeWord, boolean json,
                           String device, String precision, String cache) {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            Options o = parse(args);
            if (o == null) {
                out.println(EvalCommand.USAGE);
                return 0;
            }
            return evaluate(o, out);
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
        Integer maxLen = null;
        long seed = 1;
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
        if (data == null) throw new IllegalArgumentException("--task mlm needs --data default|FILE... (see --help)");
        if (batch < 1) throw new IllegalArgumentException("--batch must be positive, got " + batch);
        if (maxLen != null && maxLen < 3) throw new IllegalArgumentException("--max-len must be at least 3, got " + maxLen);
        return new Options(model, data, maxLen, seed, batch, wholeWord, json, device, precision, cache);
    }

    private static int evaluate(Options o, PrintStream out) throws IOException {
        boolean heldOut = o.data().equals(List.of("default"));
        if (!heldOut) CorpusSources.requireFiles(o.data());

        BertConfig config = HfCheckpoint.readConfig(o.model());
        int maxLen = o.maxLen() != null ? o.maxLen() : Math.min(128, config.maxPositionEmbeddings());
        BertTokenizer tok = TokenizerFiles.load(o.model());
        InitFolder.requireFits(o.model(), "the model", config, tok, maxLen);
        BertForMaskedLM model = HfCheckpoint.loadMaskedLM(o.model()); // a folder without the MLM head fails before the data is read
        Device device = Devices.select(o.device()); // before the corpus is read: a bad device fails soon
        Devices.setPrecision(device, o.precision(), System.err);

        List<Document> docs = heldOut
                ? CorpusSources.load(o.data(), o.seed(), o.cache(), new PrintStream(PrintStream.nullOutputStream())).heldOut()
                : CorpusSources.fileDocuments(o.data());
        String source = heldOut ? "the default corpus's held-out documents (--seed " + o.seed() + ")" : String.join(", ", o.data());
        if (docs.isEmpty()) throw new DataException("no text to score in " + source);
        List<int[]> sequences = Packing.packDocuments(tok, docs, maxLen);
        if (sequences.isEmpty()) throw new DataException("no text to score in " + source + ": too little for one sequence of 8 tokens");

        model.to(device);
        var evaluator = new MlmEvaluator(sequences, MlmBatch.Vocab.of(tok), new MlmMasking(0.15, o.wholeWord()), o.batch(),
                MlmEvaluator.maskingSeed(o.seed()));
        MlmEvaluator.Result r = evaluator.evaluate(model);
        if (r.predicted() == 0) throw new DataException("no token of " + source + " was masked: too little text to score");
        if (o.json()) {
            out.println(Json.write(toJson(o, heldOut, maxLen, sequences.size(), r)));
        } else {
            out.printf("mlm on %s: MLM loss %.4f, perplexity %.1f, masked-token accuracy %.1f%% (%,d masked tokens in %,d sequences of up to %d tokens)%n",
                    heldOut ? "default held-out" : String.join(" ", o.data()), r.loss(), r.perplexity(), 100 * r.accuracy(),
                    r.predicted(), sequences.size(), maxLen);
        }
        return 0;
    }

    private static Map<String, Object> toJson(Options o, boolean heldOut, int maxLen, int sequences, MlmEvaluator.Result r) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("task", "mlm");
        j.put("model", o.model().toString());
        j.put("data", o.data());
        j.put("held_out", heldOut);
        j.put("seed", o.seed());
        j.put("whole_word", o.wholeWord());
        j.put("max_len", maxLen);
        j.put("sequences", sequences);
        j.put("masked_tokens", r.predicted());
        j.put("loss", r.loss());
        j.put("perplexity", r.perplexity());
        j.put("accuracy", r.accuracy());
        return j;
    }
}
